#include "store/object_store.h"

namespace stocktake::store {

Status ObjectStore::Put(std::string_view bucket, std::string_view key, std::string_view data,
                        const WriteOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> writer, NewWriter(bucket, key, options));
  Status st = writer->Append(data);
  if (!st.ok()) {
    writer->Abort();
    return st;
  }
  return writer->Close();
}

}  // namespace stocktake::store
