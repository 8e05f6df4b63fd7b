"""The asset library: search over shared items and the caller's own uploads, licences,
usage records, admin additions and retirement, and the seeded shared set."""
