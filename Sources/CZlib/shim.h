// CZlib: zlib (Debian's zlib1g-dev) for gzip, the TLS report's compression (RFC 8460 §5.3).
#include <zlib.h>
