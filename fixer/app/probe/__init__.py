"""`fixer probe`: the health routes of a running stack, called from the host.

`plan` reads the workspace and says, per app service, which URL to call or why there
is none (pure); `http` calls them; `render` writes the lines, the JSON and the live
status line; `script` writes the same checks as a POSIX shell script.
"""

REQUEST_TIMEOUT = 5.0   # seconds per request
WAIT_TIMEOUT = 60.0     # seconds for the whole stack, with --wait and in the emitted script
