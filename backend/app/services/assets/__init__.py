"""Assets: uploads checked by content and stored, direct uploads to the store, the library."""
