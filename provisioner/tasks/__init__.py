"""Manual tasks as people meet them: due dates, the team's language and time zone, the list.

`due` says when a task is due and whether it removes access; `clock` shows times in the team's
zone; `words` holds the vocabulary in each language; `listing` renders the task list. Nothing
here changes the state store or talks to a platform.
"""
