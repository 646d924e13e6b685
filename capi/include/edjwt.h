/*
 * edjwt.h: C ABI of edjwt, strict and allocation-free verification of EdDSA (Ed25519)
 * JSON Web Tokens, for C proxies and servers (nginx, HAProxy, Envoy filters).
 *
 * Link libedjwt_c.a (static: add -lpthread -ldl -lm) or libedjwt_c.so.
 *
 * Memory: the library never allocates. The verifier lives in an `edjwt_verifier` the
 * caller provides (EDJWT_VERIFIER_SIZE bytes, plain bytes without pointers: it may be
 * copied, forked or placed in shared memory, and needs no destructor). The bytes carry a
 * stamp of the build that wrote them (library version, layout, Ed25519 backend): another
 * build refuses them with EDJWT_ERR_FOREIGN_VERIFIER. Each verify decodes
 * into a scratch buffer the caller provides; the results point into that buffer.
 *
 * Threads: edjwt_verify and edjwt_verify_authorization only read the verifier, so one
 * verifier may serve many threads at once, each with its own scratch buffer.
 * edjwt_verifier_init and edjwt_verifier_add_keys must not run concurrently with them.
 *
 * Stack: a verify needs a few KiB of the calling thread's stack (the decode buffer is the
 * caller's scratch); a release build verifies on a 16 KiB pthread stack.
 *
 * This header is written by hand and checked against the library by its tests
 * (capi/tests/header.rs): function names, every constant, and the layout of every struct
 * as the C compiler sees it.
 */
#ifndef EDJWT_H
#define EDJWT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Sizes ------------------------------------------------------------------------- */

/* sizeof(edjwt_verifier): the most memory a verifier needs (edjwt_verifier_size() gives
 * the exact need of the linked library, never more). */
#define EDJWT_VERIFIER_SIZE 8192
/* The most alignment verifier memory needs (edjwt_verifier_align() gives the exact one). */
#define EDJWT_VERIFIER_ALIGN 8
/* Most keys in one verifier; a token costs at most this many signature checks. */
#define EDJWT_MAX_KEYS 16
/* Most issuers, audiences or required claim names in one policy (each list). */
#define EDJWT_MAX_POLICY_VALUES 8
/* Most bytes of policy strings (all of them added up) one verifier stores. */
#define EDJWT_MAX_POLICY_TEXT 1024
/* The default longest token (edjwt_policy.max_token_len 0). */
#define EDJWT_DEFAULT_MAX_TOKEN_LEN 8192
/* The default clock-skew allowance in seconds (edjwt_policy_init). */
#define EDJWT_DEFAULT_LEEWAY 60
/* A scratch length that always suffices for a token of token_len bytes: the token is
 * decoded into the first token_len bytes, the decoded `sub` goes after them. */
#define EDJWT_SCRATCH_LEN(token_len) (2 * (size_t)(token_len))

/* edjwt_policy.flags: accept tokens without `exp` (a present `exp` is still checked). */
#define EDJWT_POLICY_ALLOW_MISSING_EXP 1u
/* edjwt_policy.flags: with no audience configured, accept a token whose `aud` names any
 * audience. Without this flag such a token is EDJWT_ERR_WRONG_AUDIENCE (RFC 7519 4.1.3: a
 * recipient that does not identify itself with a value in `aud` must reject the token, so
 * a token minted for another service does not replay here). */
#define EDJWT_POLICY_ANY_AUDIENCE 2u

/* ---- Reasons: stable numbers, never reused ------------------------------------------- */
/* The numbers of token (1-99), key (100-199) and memory (200) reasons are the core crate's
 * (edjwt::Error::number): the same in every host; 201-254 are this ABI's own. */

#define EDJWT_OK 0
/* 401: request / format */
#define EDJWT_ERR_MISSING_TOKEN 1
#define EDJWT_ERR_MALFORMED 2
#define EDJWT_ERR_TOKEN_TOO_LARGE 3
#define EDJWT_ERR_HEADER_TOO_LARGE 4
#define EDJWT_ERR_NESTING_TOO_DEEP 5
#define EDJWT_ERR_TOO_MANY_MEMBERS 6
/* 401: unsupported */
#define EDJWT_ERR_UNSUPPORTED_ALGORITHM 7
#define EDJWT_ERR_UNSUPPORTED_HEADER 8
/* 401: key selection / signature */
#define EDJWT_ERR_UNKNOWN_KEY 9
#define EDJWT_ERR_BAD_SIGNATURE 10
/* 401: claims / policy (only for a token whose signature verified) */
#define EDJWT_ERR_EXPIRED 11
#define EDJWT_ERR_NOT_YET_VALID 12
#define EDJWT_ERR_ISSUED_IN_FUTURE 13
#define EDJWT_ERR_TOO_OLD 14
#define EDJWT_ERR_WRONG_ISSUER 15
#define EDJWT_ERR_WRONG_AUDIENCE 16
#define EDJWT_ERR_WRONG_SUBJECT 17
#define EDJWT_ERR_WRONG_TYPE 18
#define EDJWT_ERR_MISSING_CLAIM 19
#define EDJWT_ERR_INVALID_CLAIM 20
/* 500: keys (configuration) */
#define EDJWT_ERR_INVALID_KEY 100
#define EDJWT_ERR_UNSUPPORTED_KEY 101
#define EDJWT_ERR_WEAK_KEY 102
#define EDJWT_ERR_PRIVATE_KEY 103
#define EDJWT_ERR_KEY_SET_FULL 104
/* 500: caller memory and arguments */
#define EDJWT_ERR_BUFFER_TOO_SMALL 200
#define EDJWT_ERR_INVALID_ARGUMENT 201
#define EDJWT_ERR_POLICY_TOO_LARGE 202
/* A verifier initialized by another build of the library (another version, layout or
 * Ed25519 backend, e.g. copied from another process): refused, never misread. */
#define EDJWT_ERR_FOREIGN_VERIFIER 203
#define EDJWT_ERR_UNKNOWN 255

/* ---- Types ------------------------------------------------------------------------- */

/* Opaque storage for one verifier. Declare one (static, global, in a module's config
 * struct) or provide EDJWT_VERIFIER_SIZE bytes aligned to EDJWT_VERIFIER_ALIGN. */
typedef union edjwt_verifier {
    unsigned char bytes[EDJWT_VERIFIER_SIZE];
    uint64_t align_u64; /* alignment only */
    void *align_ptr;    /* alignment only */
} edjwt_verifier;

/* A string with its length (no NUL needed). ptr NULL means "not set" where allowed. */
typedef struct edjwt_str {
    const char *ptr;
    size_t len;
} edjwt_str;

/* What a verified token must also satisfy. Start from edjwt_policy_init(). Strings are
 * copied into the verifier by edjwt_verifier_init, so they need not outlive that call. */
typedef struct edjwt_policy {
    const edjwt_str *issuers;        /* accepted `iss` values; issuers_len 0: not checked */
    size_t issuers_len;
    const edjwt_str *audiences;      /* `aud` must contain one; audiences_len 0: a token
                                      * carrying `aud` is rejected unless flags has
                                      * EDJWT_POLICY_ANY_AUDIENCE (a token without `aud` passes) */
    size_t audiences_len;
    const edjwt_str *required_claims; /* custom claims that must be present, e.g. "prefix" */
    size_t required_claims_len;
    edjwt_str subject;               /* expected `sub`; ptr NULL: not checked */
    edjwt_str typ;                   /* expected header `typ` (RFC 8725); ptr NULL: not checked */
    uint64_t leeway;                 /* clock skew in seconds (edjwt_policy_init: 60) */
    uint64_t max_age;                /* max seconds since `iat`; 0: no maximum */
    size_t max_token_len;            /* 0: EDJWT_DEFAULT_MAX_TOKEN_LEN */
    size_t max_header_len;           /* 0: 1024 */
    uint32_t flags;                  /* EDJWT_POLICY_* bits */
} edjwt_policy;

/* What a verify found. The pointers point into the caller's scratch buffer. */
typedef struct edjwt_result {
    int reason;             /* EDJWT_OK or EDJWT_ERR_* (also the return value) */
    uint16_t http_status;   /* 200, 401 or 500 */
    uint8_t has_exp;        /* 1 when the token has `exp` */
    uint8_t reserved;       /* 0 */
    uint64_t exp;           /* `exp` in whole seconds (fraction rounded down), 0 without */
    const char *claims;     /* claims JSON as signed, NUL-terminated; NULL unless EDJWT_OK */
    size_t claims_len;      /* without the NUL */
    const char *subject;    /* `sub` unescaped, NUL-terminated; NULL if absent or not OK */
    size_t subject_len;     /* without the NUL (`sub` may itself contain \u0000) */
    size_t key_index;       /* which key verified, in the order keys were added */
} edjwt_result;

/* ---- Functions ---------------------------------------------------------------------- */

/* The library version, e.g. "0.1.0" (static). */
const char *edjwt_version(void);

/* Bytes and alignment a verifier needs in this build (at most EDJWT_VERIFIER_SIZE and
 * EDJWT_VERIFIER_ALIGN). */
size_t edjwt_verifier_size(void);
size_t edjwt_verifier_align(void);

/* Fills *policy with the defaults: `exp` required, leeway 60 s, tokens up to 8 KiB, a token
 * carrying `aud` rejected (no audience configured), nothing else checked. */
void edjwt_policy_init(edjwt_policy *policy);

/* Builds a verifier in `verifier` (size: sizeof *verifier, or at least
 * edjwt_verifier_size() bytes) trusting the key(s) in `keys`: one PUBLIC KEY PEM
 * (`openssl pkey -pubout`), JWK or JWKS document, or 44 bytes of SPKI DER; keys_len 0
 * adds none. `policy` NULL: the defaults. Returns EDJWT_OK, a key reason
 * (EDJWT_ERR_INVALID_KEY, _UNSUPPORTED_KEY, _WEAK_KEY, _PRIVATE_KEY, _KEY_SET_FULL),
 * EDJWT_ERR_POLICY_TOO_LARGE or EDJWT_ERR_INVALID_ARGUMENT. After an error the verifier
 * verifies nothing (EDJWT_ERR_INVALID_ARGUMENT) until initialized again. */
int edjwt_verifier_init(edjwt_verifier *verifier, size_t size, const char *keys,
                        size_t keys_len, const edjwt_policy *policy);

/* Adds the key(s) in `keys` (as above) to an initialized verifier, e.g. a second PEM for
 * rotation; *added (if not NULL) receives how many. On error no key is added. */
int edjwt_verifier_add_keys(edjwt_verifier *verifier, const char *keys, size_t keys_len,
                            size_t *added);

/* Number of keys of an initialized verifier (0 otherwise). */
size_t edjwt_verifier_key_count(const edjwt_verifier *verifier);

/* Verifies the compact token `token` (token_len bytes, no NUL needed) at time `now`
 * (seconds since the Unix epoch), decoding into `scratch`, and fills *out (if not NULL).
 * scratch_len >= EDJWT_SCRATCH_LEN(token_len) always suffices; too small is
 * EDJWT_ERR_BUFFER_TOO_SMALL. `scratch` must not overlap the token, the verifier or *out
 * (EDJWT_ERR_INVALID_ARGUMENT). Returns EDJWT_OK or the reason. */
int edjwt_verify(const edjwt_verifier *verifier, const char *token, size_t token_len,
                 uint64_t now, uint8_t *scratch, size_t scratch_len, edjwt_result *out);

/* The same for the value of an HTTP Authorization header; `authorization` NULL when the
 * request has none. No header or another scheme: EDJWT_ERR_MISSING_TOKEN; `Bearer` followed
 * by anything but one token: EDJWT_ERR_MALFORMED (RFC 6750 section 2.1). */
int edjwt_verify_authorization(const edjwt_verifier *verifier, const char *authorization,
                               size_t authorization_len, uint64_t now, uint8_t *scratch,
                               size_t scratch_len, edjwt_result *out);

/* Static NUL-terminated strings for a reason number:
 *   edjwt_reason_code:      stable kebab-case code for logs ("expired"); "unknown" if none
 *   edjwt_reason_message:   fixed message ("token expired"), never token contents
 *   edjwt_www_authenticate: RFC 6750 WWW-Authenticate value for a 401, NULL otherwise
 *   edjwt_http_status:      200 (EDJWT_OK), 401 (token rejected) or 500 (server's own) */
const char *edjwt_reason_code(int reason);
const char *edjwt_reason_message(int reason);
const char *edjwt_www_authenticate(int reason);
int edjwt_http_status(int reason);

#ifdef __cplusplus
}
#endif

#endif /* EDJWT_H */
