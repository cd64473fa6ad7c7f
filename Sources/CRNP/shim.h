// CRNP: the system librnp (librnp-dev, the OpenPGP library Thunderbird uses) as a Swift module.
// The flag macros are shifts Swift may not import, so they are restated here as plain constants.
#ifndef SEALGATE_CRNP_SHIM_H
#define SEALGATE_CRNP_SHIM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rnp/rnp.h>
#include <rnp/rnp_err.h>

static const uint32_t sealgate_rnp_load_public = RNP_LOAD_SAVE_PUBLIC_KEYS;
static const uint32_t sealgate_rnp_load_secret = RNP_LOAD_SAVE_SECRET_KEYS;
static const uint32_t sealgate_rnp_user_id = RNP_USER_ID;
#endif
