"""Planning: desired + recorded + live state in, one immutable Plan out (DESIGN §3)."""
