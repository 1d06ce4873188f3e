"""Signal names a child workflow sends its parent (by name: the parent imports the child)."""

SIGNATURES_NEEDED = "signatures_needed"
LOCATION_DECIDED = "location_decided"
