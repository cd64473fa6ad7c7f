// COpenSSL: the system OpenSSL 3 libcrypto (libssl-dev) as a Swift module, for S/MIME (CMS).
// Macros Swift cannot import (sk_X509_*, BIO_get_mem_data) are wrapped as static inline functions.
#ifndef SEALGATE_COPENSSL_SHIM_H
#define SEALGATE_COPENSSL_SHIM_H
#include <stddef.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

static inline STACK_OF(X509) *sealgate_sk_X509_new_null(void) { return sk_X509_new_null(); }

/// Pushes `cert` onto `stack`; the stack owns it afterwards. Returns 0 on failure (caller frees).
static inline int sealgate_sk_X509_push(STACK_OF(X509) *stack, X509 *cert) { return sk_X509_push(stack, cert); }

/// Frees the stack and every certificate on it.
static inline void sealgate_sk_X509_pop_free(STACK_OF(X509) *stack) { sk_X509_pop_free(stack, X509_free); }

/// The bytes a memory BIO holds: their count, and *data set to the first (owned by the BIO).
static inline long sealgate_BIO_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }

/// A read-only memory BIO over `len` bytes at `data` (the caller keeps them alive while it is used).
static inline BIO *sealgate_BIO_new_mem_buf(const void *data, int len) { return BIO_new_mem_buf(data, len); }

/// The content type of a CMS structure as a NID (NID_pkcs7_enveloped, NID_id_smime_ct_authEnvelopedData, ...).
static inline int sealgate_CMS_type_nid(const CMS_ContentInfo *cms) { return OBJ_obj2nid(CMS_get0_type(cms)); }

/// The NID for AuthEnvelopedData (a macro in obj_mac.h).
static inline int sealgate_NID_authEnvelopedData(void) { return NID_id_smime_ct_authEnvelopedData; }
static inline int sealgate_NID_envelopedData(void) { return NID_pkcs7_enveloped; }

/// Sets OAEP padding on a recipient's key-transport context (RSA recipients only).
static inline int sealgate_set_rsa_oaep(EVP_PKEY_CTX *ctx) { return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING); }

/// The CMS flag values (macros in cms.h) Swift uses.
static inline unsigned int sealgate_CMS_BINARY(void) { return CMS_BINARY; }
static inline unsigned int sealgate_CMS_PARTIAL(void) { return CMS_PARTIAL; }
static inline unsigned int sealgate_CMS_DETACHED(void) { return CMS_DETACHED; }
static inline unsigned int sealgate_CMS_KEY_PARAM(void) { return CMS_KEY_PARAM; }
static inline unsigned int sealgate_CMS_NOSMIMECAP(void) { return CMS_NOSMIMECAP; }
static inline int sealgate_CMS_RECIPINFO_TRANS(void) { return CMS_RECIPINFO_TRANS; }
#endif
