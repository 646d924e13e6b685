/*
 * proxy_auth.c: the shape of a C proxy module's authentication phase with edjwt (the
 * README's example, compiled and run by capi/ci.sh).
 *
 *   proxy_auth PUBLIC_KEY_FILE ['Bearer TOKEN' [NOW]]
 *
 * prints the status the proxy would answer with, the WWW-Authenticate value for a 401 and
 * the reason logged, or, for a valid token, the user passed upstream.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "edjwt.h"

/* ---- at configuration time (nginx: postconfiguration; workers inherit it by fork) ---- */

static edjwt_verifier verifier; /* plain bytes: no pointers inside, nothing to free */

static int auth_configure(const char *key_text, size_t key_len, const char *issuer,
                          const char *audience) {
    edjwt_str iss = {issuer, strlen(issuer)};
    edjwt_str aud = {audience, strlen(audience)};
    edjwt_policy policy;
    edjwt_policy_init(&policy); /* exp required, 60 s leeway, tokens up to 8 KiB */
    policy.issuers = &iss;
    policy.issuers_len = 1;
    policy.audiences = &aud;
    policy.audiences_len = 1;
    /* The strings are copied: iss and aud may go out of scope after this call. */
    return edjwt_verifier_init(&verifier, sizeof verifier, key_text, key_len, &policy);
}

/* ---- per request (the access phase) --------------------------------------------------- */

/* One scratch buffer per worker thread, big enough for every token the default limits
 * accept (16 KiB). A module may as well take it from the request's memory pool. */
static _Thread_local uint8_t scratch[EDJWT_SCRATCH_LEN(EDJWT_DEFAULT_MAX_TOKEN_LEN)];

typedef struct {
    int status;                /* 0: pass upstream; otherwise answer with this status */
    const char *challenge;     /* WWW-Authenticate value for a 401 (static string) */
    const char *reason;        /* stable code for the log ("expired"), never the token */
    char user[256];            /* `sub`, for an X-User header upstream */
} auth_decision;

static auth_decision auth_request(const char *authorization /* NULL: no header */,
                                  uint64_t now) {
    auth_decision d = {0, NULL, NULL, ""};
    edjwt_result r;
    int rc = edjwt_verify_authorization(&verifier, authorization,
                                        authorization ? strlen(authorization) : 0, now,
                                        scratch, sizeof scratch, &r);
    d.reason = edjwt_reason_code(rc);
    if (rc != EDJWT_OK) {
        d.status = edjwt_http_status(rc);          /* 401, or 500 for a server-side error */
        d.challenge = edjwt_www_authenticate(rc);  /* NULL unless 401 */
        return d;
    }
    if (r.subject) snprintf(d.user, sizeof d.user, "%s", r.subject);
    /* r.claims (r.claims_len bytes, NUL-terminated) is the verified claims JSON, e.g. for
     * an X-Claims header or a JSON library reading custom claims. */
    return d;
}

/* ---- a command line around it ---------------------------------------------------------- */

int main(int argc, char **argv) {
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: %s PUBLIC_KEY_FILE ['Bearer TOKEN' [NOW]]\n", argv[0]);
        return 2;
    }
    char key[65536];
    FILE *f = fopen(argv[1], "rb");
    size_t key_len = f ? fread(key, 1, sizeof key, f) : 0;
    if (f) fclose(f);
    int rc = auth_configure(key, key_len, "https://issuer.example", "api");
    if (rc != EDJWT_OK) {
        fprintf(stderr, "cannot load %s: %s (%s)\n", argv[1], edjwt_reason_code(rc),
                edjwt_reason_message(rc));
        return 1;
    }
    uint64_t now = argc == 4 ? strtoull(argv[3], NULL, 10) : (uint64_t)time(NULL);
    auth_decision d = auth_request(argc >= 3 ? argv[2] : NULL, now);
    if (d.status == 0) {
        printf("pass upstream, X-User: %s\n", d.user);
    } else {
        printf("%d, WWW-Authenticate: %s, log reason=%s\n", d.status,
               d.challenge ? d.challenge : "(none)", d.reason);
    }
    return 0;
}
