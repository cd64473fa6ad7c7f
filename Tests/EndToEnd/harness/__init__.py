# Helpers for the end-to-end tests: they start real programs (sealgate, smtp-sink, Postfix) on
# 127.0.0.x in temp dirs, speak SMTP to them, and stop them by PID.
