"""Running a plan against the world: connect to the shops, read them live, open the state, and
turn a live shop into config (`import`). `plan/` stays a pure diff; this is what feeds it."""
