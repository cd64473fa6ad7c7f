// CLDNS: the system libldns (libldns-dev) as a Swift module. ldns.h needs stdbool.h first;
// macros that Swift cannot import are wrapped as static inline functions here.
#ifndef SEALGATE_CLDNS_SHIM_H
#define SEALGATE_CLDNS_SHIM_H
#include <stdbool.h>
#include <ldns/ldns.h>
#endif
