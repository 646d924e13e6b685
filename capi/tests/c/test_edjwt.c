/*
 * test_edjwt.c: the C ABI used from C, linked with the static library (or the shared one).
 *
 *   test_edjwt REPO_ROOT
 *
 * Reads REPO_ROOT/capi/tests/c/vectors.tsv (the shared vectors: RFC 8037 A.4, the PyJWT /
 * jose interop tokens, the attack corpus; see capi/tests/vectors.rs) and checks the exact
 * reason of every token under its context, then the results laid out in scratch, the
 * Authorization entry point, argument checks, key errors, a memcpy'd verifier and
 * concurrent verifies from several threads with 64 KiB stacks. capi/ci.sh runs it plain and under
 * `valgrind --error-exitcode=1 --leak-check=full`. Ends with "N passed, M failed".
 *
 * Built with -DEDJWT_TEST_COUNT_ALLOCATIONS and the linker's --wrap for malloc, calloc,
 * realloc, posix_memalign and aligned_alloc (what Rust's system allocator calls), it also
 * counts every allocation made while a library function runs on the main thread: the
 * library promises none.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edjwt.h"

#define NOW 1700000100u

static int passed, failed;

/* ---- allocations made inside the library ------------------------------------------ */

#ifdef EDJWT_TEST_COUNT_ALLOCATIONS
static _Thread_local volatile int counting; /* volatile: GCC assumes malloc reads no globals */
static size_t library_allocations;

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
int __real_posix_memalign(void **p, size_t align, size_t size);
void *__real_aligned_alloc(size_t align, size_t size);
void *__wrap_malloc(size_t size) {
    library_allocations += counting;
    return __real_malloc(size);
}
void *__wrap_calloc(size_t n, size_t size) {
    library_allocations += counting;
    return __real_calloc(n, size);
}
void *__wrap_realloc(void *p, size_t size) {
    library_allocations += counting;
    return __real_realloc(p, size);
}
int __wrap_posix_memalign(void **p, size_t align, size_t size) {
    library_allocations += counting;
    return __real_posix_memalign(p, align, size);
}
void *__wrap_aligned_alloc(size_t align, size_t size) {
    library_allocations += counting;
    return __real_aligned_alloc(align, size);
}

/* Runs a library call with allocation counting on. */
#define COUNTED(call) (counting = 1, call_result = (call), counting = 0, call_result)
static int call_result;
#else
#define COUNTED(call) (call)
#endif

#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        if (cond) {                                                           \
            passed++;                                                         \
        } else {                                                              \
            failed++;                                                         \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);   \
            fprintf(stderr, __VA_ARGS__);                                     \
            fputc('\n', stderr);                                              \
        }                                                                     \
    } while (0)

/* ---- files ---------------------------------------------------------------------- */

static char *read_file(const char *root, const char *relative, size_t *len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, relative);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
            }
            buf = bigger;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

/* ---- contexts (as in capi/tests/vectors.rs) -------------------------------------- */

static const char RFC8037_JWK[] =
    "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"rfc8037\","
    "\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}";

static edjwt_str str(const char *s) {
    edjwt_str out = {s, strlen(s)};
    return out;
}

enum { INTEROP, INTEROP_PREFIX, ATTACKS, ATTACKS_TYP, ATTACKS_NO_EXP, N_CONTEXTS };
static const char *const CONTEXT_NAMES[N_CONTEXTS] = {
    "interop", "interop-prefix", "attacks", "attacks-typ", "attacks-no-exp",
};
static edjwt_verifier verifiers[N_CONTEXTS];

static void init_contexts(const char *jwks) {
    edjwt_str issuers[1], audiences[1], prefix[1];
    issuers[0] = str("https://issuer.example");
    audiences[0] = str("api");
    prefix[0] = str("prefix");
    for (int c = 0; c < N_CONTEXTS; c++) {
        edjwt_policy policy;
        edjwt_policy_init(&policy);
        policy.issuers = issuers;
        policy.issuers_len = 1;
        policy.audiences = audiences;
        policy.audiences_len = 1;
        policy.leeway = 60;
        if (c == INTEROP_PREFIX) {
            policy.required_claims = prefix;
            policy.required_claims_len = 1;
        }
        if (c == ATTACKS_TYP) policy.typ = str("JWT");
        if (c == ATTACKS_NO_EXP) policy.flags = EDJWT_POLICY_ALLOW_MISSING_EXP;
        const char *keys = c <= INTEROP_PREFIX ? jwks : RFC8037_JWK;
        int rc = COUNTED(edjwt_verifier_init(&verifiers[c], sizeof verifiers[c], keys,
                                             strlen(keys), &policy));
        CHECK(rc == EDJWT_OK, "context %s: %s", CONTEXT_NAMES[c], edjwt_reason_code(rc));
    }
    CHECK(edjwt_verifier_key_count(&verifiers[INTEROP]) == 2, "jwks has 2 keys");
}

static const edjwt_verifier *context(const char *name) {
    if (strcmp(name, "rfc8037") == 0) return &verifiers[ATTACKS];
    for (int c = 0; c < N_CONTEXTS; c++)
        if (strcmp(name, CONTEXT_NAMES[c]) == 0) return &verifiers[c];
    return NULL;
}

/* ---- the vectors ----------------------------------------------------------------- */

typedef struct {
    char *context, *id, *expect;
    unsigned char *token;
    size_t token_len;
} vector;

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Splits the TSV text in place into vectors; returns how many. */
static size_t parse_vectors(char *text, vector **out) {
    size_t cap = 256, n = 0;
    vector *v = malloc(cap * sizeof *v);
    char *line = text;
    while (v && line && *line) {
        char *next = strchr(line, '\n');
        if (next) *next++ = '\0';
        if (line[0] != '#' && line[0] != '\0') {
            char *f[4] = {line, NULL, NULL, NULL};
            for (int i = 1; i < 4; i++) {
                f[i] = f[i - 1] ? strchr(f[i - 1], '\t') : NULL;
                if (f[i]) *f[i]++ = '\0';
            }
            if (!f[3]) {
                fprintf(stderr, "bad line: %s\n", line);
                exit(2);
            }
            if (n == cap) {
                vector *bigger = realloc(v, (cap *= 2) * sizeof *v);
                if (!bigger) break;
                v = bigger;
            }
            vector *x = &v[n++];
            x->context = f[0];
            x->id = f[1];
            x->expect = f[2];
            if (strncmp(f[3], "hex:", 4) == 0) {
                /* Decoded in place: two hex digits become one byte. */
                char *hex = f[3] + 4;
                size_t len = strlen(hex) / 2;
                for (size_t i = 0; i < len; i++)
                    hex[i] = (char)(hexval(hex[2 * i]) * 16 + hexval(hex[2 * i + 1]));
                x->token = (unsigned char *)hex;
                x->token_len = len;
            } else {
                x->token = (unsigned char *)f[3];
                x->token_len = strlen(f[3]);
            }
        }
        line = next;
    }
    if (!v) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    *out = v;
    return n;
}

/* Whether `code` is one of the '|'-separated alternatives in `expect`. */
static int expected(const char *expect, const char *code) {
    size_t len = strlen(code);
    for (const char *p = expect; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t alt = bar ? (size_t)(bar - p) : strlen(p);
        if (alt == len && strncmp(p, code, len) == 0) return 1;
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

static void check_vectors(vector *v, size_t n, size_t *accepted) {
    for (size_t i = 0; i < n; i++) {
        const edjwt_verifier *verifier = context(v[i].context);
        CHECK(verifier != NULL, "%s: unknown context %s", v[i].id, v[i].context);
        if (!verifier) continue;
        size_t scratch_len = EDJWT_SCRATCH_LEN(v[i].token_len);
        uint8_t *scratch = malloc(scratch_len + 1);
        edjwt_result r;
        int rc = COUNTED(edjwt_verify(verifier, (const char *)v[i].token, v[i].token_len, NOW,
                                      scratch, scratch_len, &r));
        const char *code = edjwt_reason_code(rc);
        CHECK(expected(v[i].expect, code), "%s %s: got %s, want %s", v[i].context, v[i].id,
              code, v[i].expect);
        CHECK(r.reason == rc && r.http_status == edjwt_http_status(rc), "%s: result", v[i].id);
        if (rc == EDJWT_OK) {
            (*accepted)++;
            CHECK(r.claims != NULL && (const uint8_t *)r.claims >= scratch &&
                      (const uint8_t *)r.claims + r.claims_len < scratch + scratch_len,
                  "%s: claims inside scratch", v[i].id);
            CHECK(r.claims[r.claims_len] == '\0' && r.claims[0] == '{', "%s: claims", v[i].id);
            CHECK(r.subject == NULL || r.subject[r.subject_len] == '\0', "%s: sub", v[i].id);
        } else {
            CHECK(r.claims == NULL && r.subject == NULL && r.http_status == 401,
                  "%s: rejected result", v[i].id);
        }
        free(scratch);
    }
}

static const vector *find(vector *v, size_t n, const char *id) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].id, id) == 0) return &v[i];
    fprintf(stderr, "no vector %s\n", id);
    exit(2);
}

/* ---- the rest of the API ----------------------------------------------------------- */

static void check_results(vector *v, size_t n) {
    static uint8_t scratch[EDJWT_SCRATCH_LEN(EDJWT_DEFAULT_MAX_TOKEN_LEN)];
    edjwt_result r;
    const vector *basic = find(v, n, "pyjwt_basic");
    int rc = edjwt_verify(&verifiers[INTEROP], (const char *)basic->token, basic->token_len,
                          NOW, scratch, sizeof scratch, &r);
    CHECK(rc == EDJWT_OK, "pyjwt_basic: %s", edjwt_reason_code(rc));
    CHECK(r.subject && strcmp(r.subject, "alice") == 0 && r.subject_len == 5, "sub alice");
    CHECK(r.has_exp == 1 && r.exp == 1700003600u && r.key_index == 0, "exp, key index");
    CHECK(r.claims && strstr(r.claims, "\"prefix\":\"projects/alpha/\"") != NULL, "claims");
    CHECK(strlen(r.claims) == r.claims_len, "claims NUL-terminated");

    const vector *key2 = find(v, n, "pyjwt_kid_key2");
    rc = edjwt_verify(&verifiers[INTEROP], (const char *)key2->token, key2->token_len, NOW,
                      scratch, sizeof scratch, &r);
    CHECK(rc == EDJWT_OK && r.key_index == 1, "rotation: key index 1");

    const vector *unicode = find(v, n, "pyjwt_unicode");
    rc = edjwt_verify(&verifiers[INTEROP], (const char *)unicode->token, unicode->token_len,
                      NOW, scratch, sizeof scratch, &r);
    CHECK(rc == EDJWT_OK && r.subject && strcmp(r.subject, "zo\xc3\xab \xf0\x9f\x98\x80") == 0,
          "unicode sub decoded from \\u escapes");

    const vector *expired = find(v, n, "pyjwt_expired");
    rc = edjwt_verify(&verifiers[INTEROP], (const char *)expired->token, expired->token_len,
                      NOW, scratch, sizeof scratch, &r);
    CHECK(rc == EDJWT_ERR_EXPIRED && r.http_status == 401, "expired");
    CHECK(strcmp(edjwt_www_authenticate(rc),
                 "Bearer error=\"invalid_token\", error_description=\"token expired\"") == 0,
          "expired challenge");
    CHECK(strcmp(edjwt_reason_message(rc), "token expired") == 0, "message");
}

static void check_authorization(vector *v, size_t n) {
    static uint8_t scratch[EDJWT_SCRATCH_LEN(EDJWT_DEFAULT_MAX_TOKEN_LEN)];
    const vector *ok = find(v, n, "ok_basic");
    char header[1024];
    snprintf(header, sizeof header, "Bearer %.*s", (int)ok->token_len, (const char *)ok->token);
    const edjwt_verifier *verifier = &verifiers[ATTACKS];
    edjwt_result r;
    int rc = COUNTED(edjwt_verify_authorization(verifier, header, strlen(header), NOW, scratch,
                                                sizeof scratch, &r));
    CHECK(rc == EDJWT_OK && strcmp(r.subject, "alice") == 0, "Bearer ok: %s",
          edjwt_reason_code(rc));
    rc = edjwt_verify_authorization(verifier, NULL, 0, NOW, scratch, sizeof scratch, &r);
    CHECK(rc == EDJWT_ERR_MISSING_TOKEN && strcmp(edjwt_www_authenticate(rc), "Bearer") == 0,
          "no header: bare Bearer challenge");
    rc = edjwt_verify_authorization(verifier, "Basic dXNlcjpwYXNz", 18, NOW, scratch,
                                    sizeof scratch, &r);
    CHECK(rc == EDJWT_ERR_MISSING_TOKEN, "Basic: %s", edjwt_reason_code(rc));
    rc = edjwt_verify_authorization(verifier, "Bearer a b", 10, NOW, scratch, sizeof scratch,
                                    &r);
    CHECK(rc == EDJWT_ERR_MALFORMED, "two tokens: %s", edjwt_reason_code(rc));
    /* out may be NULL. */
    rc = edjwt_verify_authorization(verifier, header, strlen(header), NOW, scratch,
                                    sizeof scratch, NULL);
    CHECK(rc == EDJWT_OK, "NULL out");
}

static void check_arguments(const char *root, vector *v, size_t n) {
    const vector *ok = find(v, n, "ok_basic");
    const char *token = (const char *)ok->token;
    uint8_t small[64];
    static uint8_t scratch[1024];
    edjwt_result r;
    int rc = edjwt_verify(&verifiers[ATTACKS], token, ok->token_len, NOW, small, sizeof small,
                          &r);
    CHECK(rc == EDJWT_ERR_BUFFER_TOO_SMALL && r.http_status == 500, "small scratch: %s",
          edjwt_reason_code(rc));
    CHECK(edjwt_www_authenticate(rc) == NULL, "no challenge for a 500");
    /* Scratch overlapping the token. */
    memcpy(scratch, token, ok->token_len);
    rc = edjwt_verify(&verifiers[ATTACKS], (const char *)scratch, ok->token_len, NOW, scratch,
                      sizeof scratch, &r);
    CHECK(rc == EDJWT_ERR_INVALID_ARGUMENT, "overlap: %s", edjwt_reason_code(rc));
    rc = edjwt_verify(NULL, token, ok->token_len, NOW, scratch, sizeof scratch, &r);
    CHECK(rc == EDJWT_ERR_INVALID_ARGUMENT, "NULL verifier");
    rc = edjwt_verify(&verifiers[ATTACKS], NULL, 10, NOW, scratch, sizeof scratch, &r);
    CHECK(rc == EDJWT_ERR_INVALID_ARGUMENT, "NULL token");

    /* A zeroed verifier was never initialized. */
    static edjwt_verifier zeroed;
    rc = edjwt_verify(&zeroed, token, ok->token_len, NOW, scratch, sizeof scratch, &r);
    CHECK(rc == EDJWT_ERR_INVALID_ARGUMENT, "uninitialized: %s", edjwt_reason_code(rc));

    /* Keys: a private key is refused, and the failed verifier verifies nothing. */
    static edjwt_verifier v2;
    size_t len;
    char *private_pem = read_file(root, "tests/fixtures/interop/key1.private.pem", &len);
    rc = edjwt_verifier_init(&v2, sizeof v2, private_pem, len, NULL);
    CHECK(rc == EDJWT_ERR_PRIVATE_KEY && edjwt_http_status(rc) == 500, "private key: %s",
          edjwt_reason_code(rc));
    free(private_pem);
    rc = edjwt_verify(&v2, token, ok->token_len, NOW, scratch, sizeof scratch, &r);
    CHECK(rc == EDJWT_ERR_INVALID_ARGUMENT, "after a failed init");
    rc = edjwt_verifier_init(&v2, 16, RFC8037_JWK, strlen(RFC8037_JWK), NULL);
    CHECK(rc == EDJWT_ERR_INVALID_ARGUMENT, "memory too small");

    /* Two PEM keys for rotation, no iss/aud checked (any audience), exp required. */
    char *pem1 = read_file(root, "tests/fixtures/interop/key1.public.pem", &len);
    edjwt_policy any_audience;
    edjwt_policy_init(&any_audience);
    any_audience.flags = EDJWT_POLICY_ANY_AUDIENCE;
    rc = edjwt_verifier_init(&v2, sizeof v2, pem1, len, &any_audience);
    free(pem1);
    CHECK(rc == EDJWT_OK, "pem init: %s", edjwt_reason_code(rc));
    size_t added = 0;
    char *pem2 = read_file(root, "tests/fixtures/interop/key2.public.pem", &len);
    rc = edjwt_verifier_add_keys(&v2, pem2, len, &added);
    free(pem2);
    CHECK(rc == EDJWT_OK && added == 1 && edjwt_verifier_key_count(&v2) == 2, "add key");
    const vector *key2 = find(v, n, "pyjwt_kid_key2");
    static uint8_t big[EDJWT_SCRATCH_LEN(EDJWT_DEFAULT_MAX_TOKEN_LEN)];
    rc = edjwt_verify(&v2, (const char *)key2->token, key2->token_len, NOW, big, sizeof big,
                      &r);
    CHECK(rc == EDJWT_OK && r.key_index == 1, "second PEM verifies: %s", edjwt_reason_code(rc));

    /* The verifier is plain bytes: a memcpy'd copy works. */
    edjwt_verifier *copy = malloc(sizeof *copy);
    memcpy(copy, &verifiers[ATTACKS], sizeof *copy);
    rc = edjwt_verify(copy, token, ok->token_len, NOW, big, sizeof big, &r);
    CHECK(rc == EDJWT_OK, "memcpy'd verifier: %s", edjwt_reason_code(rc));
    free(copy);

    /* Policy capacity. */
    edjwt_str nine[9];
    for (int i = 0; i < 9; i++) nine[i] = str("https://issuer.example");
    edjwt_policy policy;
    edjwt_policy_init(&policy);
    policy.issuers = nine;
    policy.issuers_len = 9;
    rc = edjwt_verifier_init(&v2, sizeof v2, RFC8037_JWK, strlen(RFC8037_JWK), &policy);
    CHECK(rc == EDJWT_ERR_POLICY_TOO_LARGE, "9 issuers: %s", edjwt_reason_code(rc));
    policy.issuers_len = 8;

    /* RFC 7519 4.1.3: a token carrying `aud` and no audience configured. */
    edjwt_policy plain;
    edjwt_policy_init(&plain);
    rc = edjwt_verifier_init(&v2, sizeof v2, RFC8037_JWK, strlen(RFC8037_JWK), &plain);
    CHECK(rc == EDJWT_OK, "default policy: %s", edjwt_reason_code(rc));
    rc = edjwt_verify(&v2, token, ok->token_len, NOW, big, sizeof big, &r);
    CHECK(rc == EDJWT_ERR_WRONG_AUDIENCE, "aud without audience: %s", edjwt_reason_code(rc));
    plain.flags = EDJWT_POLICY_ANY_AUDIENCE;
    rc = edjwt_verifier_init(&v2, sizeof v2, RFC8037_JWK, strlen(RFC8037_JWK), &plain);
    CHECK(rc == EDJWT_OK, "any-audience policy: %s", edjwt_reason_code(rc));
    rc = edjwt_verify(&v2, token, ok->token_len, NOW, big, sizeof big, &r);
    CHECK(rc == EDJWT_OK, "aud with any audience: %s", edjwt_reason_code(rc));

    policy.flags = 0x80;
    rc = edjwt_verifier_init(&v2, sizeof v2, RFC8037_JWK, strlen(RFC8037_JWK), &policy);
    CHECK(rc == EDJWT_ERR_INVALID_ARGUMENT, "unknown flag");

    CHECK(sizeof(edjwt_verifier) == EDJWT_VERIFIER_SIZE, "verifier size");
    CHECK(edjwt_verifier_size() <= EDJWT_VERIFIER_SIZE, "needed %zu", edjwt_verifier_size());
    CHECK(edjwt_verifier_align() <= EDJWT_VERIFIER_ALIGN, "align");
    CHECK(strcmp(edjwt_reason_code(12345), "unknown") == 0, "unknown number");
    CHECK(edjwt_http_status(12345) == 500, "unknown number status");
}

/* ---- threads: one verifier, many threads, small stacks ------------------------------- */

typedef struct {
    vector *v;
    size_t n;
    int mismatches;
} thread_arg;

static void *verify_all(void *p) {
    thread_arg *arg = p;
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < arg->n; i++) {
            const edjwt_verifier *verifier = context(arg->v[i].context);
            size_t scratch_len = EDJWT_SCRATCH_LEN(arg->v[i].token_len);
            uint8_t *scratch = malloc(scratch_len + 1);
            int rc = edjwt_verify(verifier, (const char *)arg->v[i].token, arg->v[i].token_len,
                                  NOW, scratch, scratch_len, NULL);
            if (!expected(arg->v[i].expect, edjwt_reason_code(rc))) arg->mismatches++;
            free(scratch);
        }
    }
    return NULL;
}

static void check_threads(vector *v, size_t n) {
    enum { THREADS = 4 };
    pthread_t threads[THREADS];
    thread_arg args[THREADS];
    /* 64 KiB stacks: a verify needs a few KiB (the scratch is the caller's). */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    CHECK(pthread_attr_setstacksize(&attr, 64 * 1024) == 0, "stack size");
    for (int t = 0; t < THREADS; t++) {
        args[t].v = v;
        args[t].n = n;
        args[t].mismatches = 0;
        CHECK(pthread_create(&threads[t], &attr, verify_all, &args[t]) == 0, "thread %d", t);
    }
    pthread_attr_destroy(&attr);
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        CHECK(args[t].mismatches == 0, "thread %d: %d mismatches", t, args[t].mismatches);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s REPO_ROOT\n", argv[0]);
        return 2;
    }
    const char *root = argv[1];
    printf("edjwt %s, verifier %zu bytes (EDJWT_VERIFIER_SIZE %d)\n", edjwt_version(),
           edjwt_verifier_size(), EDJWT_VERIFIER_SIZE);
    char *jwks = read_file(root, "tests/fixtures/interop/jwks.json", NULL);
    init_contexts(jwks);
    free(jwks);

    char *tsv = read_file(root, "capi/tests/c/vectors.tsv", NULL);
    vector *v;
    size_t n = parse_vectors(tsv, &v);
    size_t accepted = 0;
    check_vectors(v, n, &accepted);
    printf("vectors: %zu (%zu accepted, %zu rejected)\n", n, accepted, n - accepted);
    CHECK(n == 219, "vector count %zu", n);
    check_results(v, n);
    check_authorization(v, n);
    check_arguments(root, v, n);
    check_threads(v, n);
    free(v);
    free(tsv);
#ifdef EDJWT_TEST_COUNT_ALLOCATIONS
    /* The probe works: an allocation while counting is counted. */
    counting = 1;
    void *volatile probe = malloc(1);
    counting = 0;
    free(probe);
    CHECK(library_allocations == 1, "%zu allocations inside the library",
          library_allocations - 1);
    printf("allocations inside the library: %zu\n", library_allocations - 1);
#endif

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
