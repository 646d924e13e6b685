/*
 * ngx_http_auth_edjwt_module: EdDSA (Ed25519) JWT authentication for nginx, over the
 * edjwt C ABI (capi/include/edjwt.h, linked statically).
 *
 * Configuration lives in nginx's configuration pools: key files are read and checked when
 * the directive is parsed (so `nginx -t` and a failed reload report them), the verifier is
 * built while merging. A request's work uses its request pool only: the decode scratch,
 * the unescaped variable values. The verified-token cache is a fixed array of slots
 * allocated with the configuration; each worker gets its own copy on fork, and a reload
 * starts new workers with a new, empty one.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "edjwt.h"

/* A key file is a PEM, JWK or JWKS of at most EDJWT_MAX_KEYS keys; anything this large is
 * not one. */
#define NGX_HTTP_AUTH_EDJWT_MAX_KEY_FILE (64 * 1024)

/* Longest Authorization value (or token variable value) the cache stores; longer tokens
 * are verified every time. Most tokens are a few hundred bytes, and each slot costs this
 * much memory per worker. */
#define NGX_HTTP_AUTH_EDJWT_CACHE_INPUT 2048

/* The cache is set-associative: a token may sit in any of the ways of the set its hash
 * picks, so a few colliding tokens do not evict each other on every request. */
#define NGX_HTTP_AUTH_EDJWT_CACHE_WAYS 4

/* Upper bound of auth_edjwt_cache: 65536 slots are about 130 MiB per worker. */
#define NGX_HTTP_AUTH_EDJWT_MAX_CACHE 65536

/* Deepest nesting the claims reader walks through while skipping a value; the core
 * rejects tokens nested deeper than its own bound, which is lower. */
#define NGX_HTTP_AUTH_EDJWT_JSON_DEPTH 64

/* Longest member name the claims reader compares; nginx variable names are shorter. */
#define NGX_HTTP_AUTH_EDJWT_NAME_MAX 256


typedef struct {
    uint32_t                    hash;
    uint32_t                    len;       /* 0: empty slot */
    time_t                      expires;   /* a hit needs now < expires */
    u_char                      input[NGX_HTTP_AUTH_EDJWT_CACHE_INPUT];
} ngx_http_auth_edjwt_slot_t;


typedef struct {
    edjwt_verifier              verifier;
    time_t                      max_age;
    ngx_uint_t                  nsets;     /* 0: no cache */
    ngx_http_auth_edjwt_slot_t *slots;     /* nsets * NGX_HTTP_AUTH_EDJWT_CACHE_WAYS */
} ngx_http_auth_edjwt_verifier_t;


typedef struct {
    ngx_str_t                   name;      /* full path, for messages */
    ngx_str_t                   text;
} ngx_http_auth_edjwt_key_file_t;


typedef struct {
    ngx_http_complex_value_t   *realm;     /* NULL: off */
    ngx_http_complex_value_t   *token;     /* NULL: Authorization: Bearer */
    ngx_array_t                *key_files; /* of ngx_http_auth_edjwt_key_file_t */
    ngx_array_t                *issuers;   /* of ngx_str_t */
    ngx_array_t                *audiences; /* of ngx_str_t */
    ngx_str_t                   subject;   /* data NULL: not set */
    ngx_flag_t                  any_audience;
    ngx_flag_t                  require_exp;
    time_t                      leeway;
    time_t                      max_age;
    ngx_int_t                   cache;
    ngx_http_auth_edjwt_verifier_t *verifier;
} ngx_http_auth_edjwt_loc_conf_t;


typedef struct {
    ngx_str_t                   input;     /* the Authorization value or the variable's */
    ngx_str_t                   claims;    /* verified claims JSON; data NULL: not decoded */
    ngx_str_t                   header;    /* JOSE header JSON; data NULL: not decoded */
    int                         reason;
    unsigned                    from_header:1;
} ngx_http_auth_edjwt_ctx_t;


static ngx_int_t ngx_http_auth_edjwt_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_auth_edjwt_reject(ngx_http_request_t *r,
    ngx_http_auth_edjwt_loc_conf_t *alcf, int reason);
static ngx_int_t ngx_http_auth_edjwt_cache_lookup(ngx_http_auth_edjwt_verifier_t *v,
    ngx_str_t *input, uint32_t hash, time_t now);
static void ngx_http_auth_edjwt_cache_store(ngx_http_auth_edjwt_verifier_t *v,
    ngx_str_t *input, uint32_t hash, edjwt_result *res, time_t now);
static ngx_str_t ngx_http_auth_edjwt_token_of(ngx_http_auth_edjwt_ctx_t *ctx);
static ngx_int_t ngx_http_auth_edjwt_decode_segment(ngx_http_request_t *r,
    ngx_http_auth_edjwt_ctx_t *ctx, ngx_uint_t segment, ngx_str_t *out);

static ngx_int_t ngx_http_auth_edjwt_json_member(ngx_str_t *json, ngx_str_t *name,
    ngx_str_t *value);
static u_char *ngx_http_auth_edjwt_json_string_end(u_char *p, u_char *end);
static u_char *ngx_http_auth_edjwt_json_value_end(u_char *p, u_char *end);
static ssize_t ngx_http_auth_edjwt_json_unescape(u_char *src, size_t len, u_char *dst,
    size_t cap);

static ngx_int_t ngx_http_auth_edjwt_reason_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_auth_edjwt_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_auth_edjwt_header_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);

static char *ngx_http_auth_edjwt(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_auth_edjwt_key_file(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_auth_edjwt_cache(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static void *ngx_http_auth_edjwt_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_auth_edjwt_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static char *ngx_http_auth_edjwt_build(ngx_conf_t *cf,
    ngx_http_auth_edjwt_loc_conf_t *conf);
static ngx_int_t ngx_http_auth_edjwt_add_variables(ngx_conf_t *cf);
static ngx_int_t ngx_http_auth_edjwt_init(ngx_conf_t *cf);


static ngx_command_t  ngx_http_auth_edjwt_commands[] = {

    { ngx_string("auth_edjwt"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_HTTP_LMT_CONF
                        |NGX_CONF_TAKE12,
      ngx_http_auth_edjwt,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("auth_edjwt_key_file"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_auth_edjwt_key_file,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("auth_edjwt_issuer"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_array_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_auth_edjwt_loc_conf_t, issuers),
      NULL },

    { ngx_string("auth_edjwt_audience"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_array_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_auth_edjwt_loc_conf_t, audiences),
      NULL },

    { ngx_string("auth_edjwt_any_audience"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_auth_edjwt_loc_conf_t, any_audience),
      NULL },

    { ngx_string("auth_edjwt_subject"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_auth_edjwt_loc_conf_t, subject),
      NULL },

    { ngx_string("auth_edjwt_leeway"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_auth_edjwt_loc_conf_t, leeway),
      NULL },

    { ngx_string("auth_edjwt_max_age"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_auth_edjwt_loc_conf_t, max_age),
      NULL },

    { ngx_string("auth_edjwt_require_exp"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_auth_edjwt_loc_conf_t, require_exp),
      NULL },

    { ngx_string("auth_edjwt_cache"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_auth_edjwt_cache,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_auth_edjwt_loc_conf_t, cache),
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_auth_edjwt_module_ctx = {
    ngx_http_auth_edjwt_add_variables,     /* preconfiguration */
    ngx_http_auth_edjwt_init,              /* postconfiguration */

    NULL,                                  /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_auth_edjwt_create_loc_conf,   /* create location configuration */
    ngx_http_auth_edjwt_merge_loc_conf     /* merge location configuration */
};


ngx_module_t  ngx_http_auth_edjwt_module = {
    NGX_MODULE_V1,
    &ngx_http_auth_edjwt_module_ctx,       /* module context */
    ngx_http_auth_edjwt_commands,          /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_http_variable_t  ngx_http_auth_edjwt_vars[] = {

    { ngx_string("edjwt_reason"), NULL, ngx_http_auth_edjwt_reason_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("edjwt_claim_"), NULL, ngx_http_auth_edjwt_claim_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE|NGX_HTTP_VAR_PREFIX, 0 },

    { ngx_string("edjwt_header_"), NULL, ngx_http_auth_edjwt_header_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE|NGX_HTTP_VAR_PREFIX, 0 },

      ngx_http_null_variable
};


/* ---- Access phase ------------------------------------------------------------------ */

static ngx_int_t
ngx_http_auth_edjwt_handler(ngx_http_request_t *r)
{
    int                              rc;
    uint8_t                         *scratch;
    uint32_t                         hash;
    ngx_str_t                        input;
    edjwt_result                     res;
    ngx_table_elt_t                 *authorization;
    ngx_http_auth_edjwt_ctx_t       *ctx;
    ngx_http_auth_edjwt_verifier_t  *v;
    ngx_http_auth_edjwt_loc_conf_t  *alcf;

    alcf = ngx_http_get_module_loc_conf(r, ngx_http_auth_edjwt_module);

    if (alcf->realm == NULL) {
        return NGX_DECLINED;
    }

    if (alcf->verifier == NULL) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "auth_edjwt: no \"auth_edjwt_key_file\" for this request's "
                      "server{} level");
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    v = alcf->verifier;

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_auth_edjwt_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->reason = EDJWT_ERR_UNKNOWN;
    ngx_http_set_ctx(r, ctx, ngx_http_auth_edjwt_module);

    if (alcf->token) {
        if (ngx_http_complex_value(r, alcf->token, &input) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (input.len == 0) {
            return ngx_http_auth_edjwt_reject(r, alcf, EDJWT_ERR_MISSING_TOKEN);
        }

    } else {
        authorization = r->headers_in.authorization;

        if (authorization == NULL) {
            return ngx_http_auth_edjwt_reject(r, alcf, EDJWT_ERR_MISSING_TOKEN);
        }

        input = authorization->value;
        ctx->from_header = 1;
    }

    ctx->input = input;

    /* The cache is keyed by the exact input; a hit is an input that verified before under
     * this same verifier, so it needs no parsing and no signature check. */
    hash = 0;

    if (v->nsets) {
        hash = ngx_murmur_hash2(input.data, input.len);

        if (ngx_http_auth_edjwt_cache_lookup(v, &input, hash, ngx_time()) == NGX_OK) {
            ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                           "auth_edjwt: cache hit");
            ctx->reason = EDJWT_OK;
            return NGX_OK;
        }
    }

    scratch = ngx_palloc(r->pool, EDJWT_SCRATCH_LEN(input.len));
    if (scratch == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ctx->from_header) {
        rc = edjwt_verify_authorization(&v->verifier, (const char *) input.data,
                                        input.len, (uint64_t) ngx_time(), scratch,
                                        EDJWT_SCRATCH_LEN(input.len), &res);
    } else {
        rc = edjwt_verify(&v->verifier, (const char *) input.data, input.len,
                          (uint64_t) ngx_time(), scratch, EDJWT_SCRATCH_LEN(input.len),
                          &res);
    }

    if (rc != EDJWT_OK) {
        return ngx_http_auth_edjwt_reject(r, alcf, rc);
    }

    ctx->reason = EDJWT_OK;
    ctx->claims.data = (u_char *) res.claims;
    ctx->claims.len = res.claims_len;

    if (v->nsets) {
        ngx_http_auth_edjwt_cache_store(v, &input, hash, &res, ngx_time());
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_auth_edjwt_reject(ngx_http_request_t *r, ngx_http_auth_edjwt_loc_conf_t *alcf,
    int reason)
{
    u_char                     *p;
    size_t                      len, escapes;
    ngx_str_t                   realm;
    ngx_log_t                   log;
    const char                 *code;
    ngx_uint_t                  i;
    ngx_table_elt_t            *h;
    ngx_http_auth_edjwt_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_auth_edjwt_module);
    ctx->reason = reason;
    code = edjwt_reason_code(reason);

    /* Logged without the request line: with `token=$arg_...` it would carry the token. */
    log = *r->connection->log;
    log.handler = NULL;

    if (edjwt_http_status(reason) != NGX_HTTP_UNAUTHORIZED) {
        ngx_log_error(NGX_LOG_ERR, &log, 0,
                      "auth_edjwt: verification failed: %s, client: %V, uri: \"%V\"",
                      code, &r->connection->addr_text, &r->uri);
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_log_error(NGX_LOG_INFO, &log, 0,
                  "auth_edjwt: token rejected: %s, client: %V, uri: \"%V\"",
                  code, &r->connection->addr_text, &r->uri);

    if (ngx_http_complex_value(r, alcf->realm, &realm) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* realm is a quoted-string (RFC 7235 section 2.2): escape '"' and '\'. */
    escapes = 0;
    for (i = 0; i < realm.len; i++) {
        if (realm.data[i] == '"' || realm.data[i] == '\\') {
            escapes++;
        }
    }

    len = sizeof("Bearer realm=\"\"") - 1 + realm.len + escapes;

    if (reason != EDJWT_ERR_MISSING_TOKEN) {
        len += sizeof(", error=\"invalid_token\", error_description=\"\"") - 1
               + ngx_strlen(code);
    }

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif
    ngx_str_set(&h->key, "WWW-Authenticate");
    h->value.data = p;

    p = ngx_cpymem(p, "Bearer realm=\"", sizeof("Bearer realm=\"") - 1);

    for (i = 0; i < realm.len; i++) {
        if (realm.data[i] == '"' || realm.data[i] == '\\') {
            *p++ = '\\';
        }
        *p++ = realm.data[i];
    }

    *p++ = '"';

    if (reason != EDJWT_ERR_MISSING_TOKEN) {
        p = ngx_cpymem(p, ", error=\"invalid_token\", error_description=\"",
                       sizeof(", error=\"invalid_token\", error_description=\"") - 1);
        p = ngx_cpymem(p, code, ngx_strlen(code));
        *p++ = '"';
    }

    h->value.len = p - h->value.data;

    /* satisfy any clears this header when another access module allows the request. */
    r->headers_out.www_authenticate = h;

    return NGX_HTTP_UNAUTHORIZED;
}


/* ---- Verified-token cache ------------------------------------------------------------ */

static ngx_int_t
ngx_http_auth_edjwt_cache_lookup(ngx_http_auth_edjwt_verifier_t *v, ngx_str_t *input,
    uint32_t hash, time_t now)
{
    u_char                       diff;
    size_t                       i;
    ngx_uint_t                   way;
    ngx_http_auth_edjwt_slot_t  *slot;

    slot = &v->slots[(hash % v->nsets) * NGX_HTTP_AUTH_EDJWT_CACHE_WAYS];

    for (way = 0; way < NGX_HTTP_AUTH_EDJWT_CACHE_WAYS; way++, slot++) {
        if (slot->len == 0 || slot->len != input->len || slot->hash != hash
            || now >= slot->expires)
        {
            continue;
        }

        /* The hash only picks the slot; the bytes decide, compared in constant time so
         * a near miss says nothing about a cached token. */
        diff = 0;
        for (i = 0; i < input->len; i++) {
            diff |= slot->input[i] ^ input->data[i];
        }

        if (diff == 0) {
            return NGX_OK;
        }
    }

    return NGX_DECLINED;
}


static void
ngx_http_auth_edjwt_cache_store(ngx_http_auth_edjwt_verifier_t *v, ngx_str_t *input,
    uint32_t hash, edjwt_result *res, time_t now)
{
    u_char                      *dot;
    time_t                       expires, iat;
    ngx_str_t                    claims, name, value;
    ngx_uint_t                   way;
    ngx_http_auth_edjwt_slot_t  *set, *slot;

    /* Only tokens with `exp` are cached, and never past it: the leeway a verify grants
     * after `exp` is not extended to cached entries. */
    if (!res->has_exp || input->len > NGX_HTTP_AUTH_EDJWT_CACHE_INPUT
        || res->exp > (uint64_t) NGX_MAX_INT_T_VALUE)
    {
        return;
    }

    expires = (time_t) res->exp;

    if (v->max_age) {
        /* The token stops being acceptable max_age after `iat` (leeway not counted). */
        claims.data = (u_char *) res->claims;
        claims.len = res->claims_len;
        ngx_str_set(&name, "iat");

        if (ngx_http_auth_edjwt_json_member(&claims, &name, &value) != NGX_OK
            || value.len == 0 || value.data[0] < '0' || value.data[0] > '9')
        {
            return;
        }

        /* The whole seconds of a NumericDate; an exponent form is not read (no cache). */
        dot = ngx_strlchr(value.data, value.data + value.len, '.');
        iat = ngx_atotm(value.data, dot ? (size_t) (dot - value.data) : value.len);

        if (iat == NGX_ERROR || iat > NGX_MAX_TIME_T_VALUE - v->max_age) {
            return;
        }

        expires = ngx_min(expires, iat + v->max_age);
    }

    if (expires <= now) {
        return;
    }

    /* Into the set's free or expired way, else over the one that expires first. */
    set = &v->slots[(hash % v->nsets) * NGX_HTTP_AUTH_EDJWT_CACHE_WAYS];
    slot = set;

    for (way = 0; way < NGX_HTTP_AUTH_EDJWT_CACHE_WAYS; way++) {
        if (set[way].len == 0 || set[way].expires <= now) {
            slot = &set[way];
            break;
        }

        if (set[way].expires < slot->expires) {
            slot = &set[way];
        }
    }

    slot->hash = hash;
    slot->len = (uint32_t) input->len;
    slot->expires = expires;
    ngx_memcpy(slot->input, input->data, input->len);
}


/* ---- Variables ----------------------------------------------------------------------- */

/* The token inside a verified input: what follows the scheme in an Authorization value
 * (the library accepted it, so it is one b64token after spaces), else the whole input. */
static ngx_str_t
ngx_http_auth_edjwt_token_of(ngx_http_auth_edjwt_ctx_t *ctx)
{
    u_char     *start, *end;
    ngx_str_t   token;

    start = ctx->input.data;
    end = ctx->input.data + ctx->input.len;

    if (ctx->from_header) {
        while (end > start && (end[-1] == ' ' || end[-1] == '\t')) {
            end--;
        }

        token.data = end;
        while (token.data > start && token.data[-1] != ' ' && token.data[-1] != '\t') {
            token.data--;
        }

        start = token.data;
    }

    token.data = start;
    token.len = end - start;

    return token;
}


/* Decodes segment 0 (JOSE header) or 1 (claims) of a verified token into the request
 * pool. */
static ngx_int_t
ngx_http_auth_edjwt_decode_segment(ngx_http_request_t *r, ngx_http_auth_edjwt_ctx_t *ctx,
    ngx_uint_t segment, ngx_str_t *out)
{
    u_char     *dot;
    ngx_str_t   token, src;

    token = ngx_http_auth_edjwt_token_of(ctx);

    dot = ngx_strlchr(token.data, token.data + token.len, '.');
    if (dot == NULL) {
        return NGX_ERROR;
    }

    if (segment == 0) {
        src.data = token.data;
        src.len = dot - token.data;

    } else {
        src.data = dot + 1;
        dot = ngx_strlchr(src.data, token.data + token.len, '.');
        if (dot == NULL) {
            return NGX_ERROR;
        }
        src.len = dot - src.data;
    }

    out->data = ngx_pnalloc(r->pool, ngx_base64_decoded_length(src.len));
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    return ngx_decode_base64url(out, &src);
}


static ngx_int_t
ngx_http_auth_edjwt_reason_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    const char                 *code;
    ngx_http_auth_edjwt_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_auth_edjwt_module);

    if (ctx == NULL) {
        v->not_found = 1;
        return NGX_OK;
    }

    code = ctx->reason == EDJWT_OK ? "" : edjwt_reason_code(ctx->reason);

    v->data = (u_char *) code;
    v->len = ngx_strlen(code);
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}


/* A JSON scalar as text, appended at d: a string unescaped (NULL when it holds control
 * characters, which must not reach a proxied header, or, inside an array, a comma), a
 * number, true or false as written; NULL for null and containers. d has room for the
 * value's length. */
static u_char *
ngx_http_auth_edjwt_json_text(u_char *value, size_t len, u_char *d, ngx_uint_t in_array)
{
    ssize_t  n, i;

    if (len == 0) {
        return NULL;
    }

    switch (value[0]) {

    case '"':
        n = ngx_http_auth_edjwt_json_unescape(value + 1, len - 2, d, len);
        if (n < 0) {
            return NULL;
        }

        for (i = 0; i < n; i++) {
            if (d[i] < 0x20 || d[i] == 0x7f || (in_array && d[i] == ',')) {
                return NULL;
            }
        }

        return d + n;

    case 'n':
    case '{':
    case '[':
        return NULL;

    default:
        return ngx_cpymem(d, value, len);
    }
}


/* A member of a verified JSON object as a variable value (ngx_http_auth_edjwt_json_text);
 * an array of scalars as their texts joined with commas, as NGINX Plus gives arrays.
 * Anything else is empty. */
static ngx_int_t
ngx_http_auth_edjwt_json_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    ngx_str_t *json, ngx_str_t *name)
{
    u_char     *buf, *d, *p, *end, *item;
    ngx_str_t   value;
    ngx_uint_t  first;

    v->not_found = 1;

    if (ngx_http_auth_edjwt_json_member(json, name, &value) != NGX_OK || value.len == 0) {
        return NGX_OK;
    }

    /* The text is never longer than the JSON it comes from. */
    buf = ngx_pnalloc(r->pool, value.len);
    if (buf == NULL) {
        return NGX_ERROR;
    }

    if (value.data[0] != '[') {
        d = ngx_http_auth_edjwt_json_text(value.data, value.len, buf, 0);
        if (d == NULL) {
            return NGX_OK;
        }

    } else {
        d = buf;
        first = 1;
        p = value.data + 1;
        end = value.data + value.len - 1;

        for ( ;; ) {
            while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
                p++;
            }

            if (p == end) {
                break;
            }

            if (!first) {
                if (*p++ != ',') {
                    return NGX_OK;
                }

                while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
                    p++;
                }

                *d++ = ',';
            }

            first = 0;
            item = p;
            p = ngx_http_auth_edjwt_json_value_end(p, end);
            if (p == NULL) {
                return NGX_OK;
            }

            d = ngx_http_auth_edjwt_json_text(item, p - item, d, 1);
            if (d == NULL) {
                return NGX_OK;
            }
        }
    }

    v->data = buf;
    v->len = d - buf;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}


/* $edjwt_claim_<name> (segment 1) and $edjwt_header_<name> (segment 0): `var` is the full
 * variable name, `prefix` the length of its fixed part. Nothing of a rejected token is
 * handed out: nothing unverified is. */
static ngx_int_t
ngx_http_auth_edjwt_segment_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    ngx_str_t *var, size_t prefix, ngx_uint_t segment)
{
    ngx_str_t                  *json, name;
    ngx_http_auth_edjwt_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_auth_edjwt_module);

    if (ctx == NULL || ctx->reason != EDJWT_OK) {
        v->not_found = 1;
        return NGX_OK;
    }

    json = segment == 1 ? &ctx->claims : &ctx->header;

    if (json->data == NULL
        && ngx_http_auth_edjwt_decode_segment(r, ctx, segment, json) != NGX_OK)
    {
        json->data = NULL;
        v->not_found = 1;
        return NGX_OK;
    }

    name.data = var->data + prefix;
    name.len = var->len - prefix;

    return ngx_http_auth_edjwt_json_variable(r, v, json, &name);
}


static ngx_int_t
ngx_http_auth_edjwt_claim_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    return ngx_http_auth_edjwt_segment_variable(r, v, (ngx_str_t *) data,
                                                sizeof("edjwt_claim_") - 1, 1);
}


static ngx_int_t
ngx_http_auth_edjwt_header_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    return ngx_http_auth_edjwt_segment_variable(r, v, (ngx_str_t *) data,
                                                sizeof("edjwt_header_") - 1, 0);
}


/* ---- Claims reader ----------------------------------------------------------------------
 *
 * Reads top-level members of JSON the library already verified as strict RFC 8259 with
 * unique member names. It still never reads past the end, never recurses, and gives up
 * (member not found) on anything unexpected.
 */

/* Finds member `name` of the object `json`. nginx lowercases variable names, so a member
 * whose name equals `name` wins, else the one member equal to it ignoring ASCII case. */
static ngx_int_t
ngx_http_auth_edjwt_json_member(ngx_str_t *json, ngx_str_t *name, ngx_str_t *value)
{
    u_char      *p, *end, *key, *val;
    u_char       buf[NGX_HTTP_AUTH_EDJWT_NAME_MAX];
    ssize_t      n;
    ngx_uint_t   folded;

    p = json->data;
    end = json->data + json->len;
    folded = 0;

#define ngx_http_auth_edjwt_skip_ws()                                                      \
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) { p++; }

    ngx_http_auth_edjwt_skip_ws();

    if (p == end || *p++ != '{') {
        return NGX_DECLINED;
    }

    for ( ;; ) {
        ngx_http_auth_edjwt_skip_ws();

        if (p == end) {
            return NGX_DECLINED;
        }

        if (*p == '}') {
            return folded == 1 ? NGX_OK : NGX_DECLINED;
        }

        if (*p != '"') {
            return NGX_DECLINED;
        }

        key = p;
        p = ngx_http_auth_edjwt_json_string_end(p, end);
        if (p == NULL) {
            return NGX_DECLINED;
        }

        n = ngx_http_auth_edjwt_json_unescape(key + 1, p - key - 2, buf, sizeof(buf));

        ngx_http_auth_edjwt_skip_ws();

        if (p == end || *p++ != ':') {
            return NGX_DECLINED;
        }

        ngx_http_auth_edjwt_skip_ws();

        val = p;
        p = ngx_http_auth_edjwt_json_value_end(p, end);
        if (p == NULL) {
            return NGX_DECLINED;
        }

        if (n >= 0 && (size_t) n == name->len) {
            if (ngx_memcmp(buf, name->data, n) == 0) {
                value->data = val;
                value->len = p - val;
                return NGX_OK;
            }

            if (ngx_strncasecmp(buf, name->data, n) == 0) {
                if (folded++ == 0) {
                    value->data = val;
                    value->len = p - val;
                }
            }
        }

        ngx_http_auth_edjwt_skip_ws();

        if (p == end) {
            return NGX_DECLINED;
        }

        if (*p == ',') {
            p++;
            continue;
        }

        if (*p != '}') {
            return NGX_DECLINED;
        }
    }

#undef ngx_http_auth_edjwt_skip_ws
}


/* p at an opening quote: returns the byte after the closing quote, or NULL. */
static u_char *
ngx_http_auth_edjwt_json_string_end(u_char *p, u_char *end)
{
    for (p++; p < end; p++) {
        if (*p == '\\') {
            p++;
            continue;
        }

        if (*p == '"') {
            return p + 1;
        }
    }

    return NULL;
}


/* p at the first byte of a value: returns the byte after it, or NULL. Containers are
 * skipped with a depth counter, not recursion. */
static u_char *
ngx_http_auth_edjwt_json_value_end(u_char *p, u_char *end)
{
    ngx_uint_t  depth;

    if (p == end) {
        return NULL;
    }

    if (*p == '"') {
        return ngx_http_auth_edjwt_json_string_end(p, end);
    }

    if (*p != '{' && *p != '[') {
        while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' '
               && *p != '\t' && *p != '\r' && *p != '\n')
        {
            p++;
        }

        return p;
    }

    depth = 0;

    while (p < end) {
        switch (*p) {

        case '"':
            p = ngx_http_auth_edjwt_json_string_end(p, end);
            if (p == NULL) {
                return NULL;
            }
            continue;

        case '{':
        case '[':
            if (++depth > NGX_HTTP_AUTH_EDJWT_JSON_DEPTH) {
                return NULL;
            }
            break;

        case '}':
        case ']':
            if (--depth == 0) {
                return p + 1;
            }
            break;
        }

        p++;
    }

    return NULL;
}


static ngx_int_t
ngx_http_auth_edjwt_hex4(u_char *p, uint32_t *out)
{
    ngx_int_t  n;

    n = ngx_hextoi(p, 4);
    if (n == NGX_ERROR) {
        return NGX_ERROR;
    }

    *out = (uint32_t) n;
    return NGX_OK;
}


/* Unescapes the body of a JSON string (RFC 8259 section 7) into dst as UTF-8: returns
 * the length, or -1 when it does not fit in cap bytes or an escape is invalid. The output
 * is never longer than the input. */
static ssize_t
ngx_http_auth_edjwt_json_unescape(u_char *src, size_t len, u_char *dst, size_t cap)
{
    u_char    *p, *end, *d, *dend;
    uint32_t   cp, lo;

    p = src;
    end = src + len;
    d = dst;
    dend = dst + cap;

    while (p < end) {
        if (*p != '\\') {
            if (d == dend) {
                return -1;
            }
            *d++ = *p++;
            continue;
        }

        if (end - p < 2) {
            return -1;
        }

        p++;

        switch (*p++) {
        case '"':  cp = '"';  break;
        case '\\': cp = '\\'; break;
        case '/':  cp = '/';  break;
        case 'b':  cp = '\b'; break;
        case 'f':  cp = '\f'; break;
        case 'n':  cp = '\n'; break;
        case 'r':  cp = '\r'; break;
        case 't':  cp = '\t'; break;

        case 'u':
            if (end - p < 4 || ngx_http_auth_edjwt_hex4(p, &cp) != NGX_OK) {
                return -1;
            }
            p += 4;

            if (cp >= 0xd800 && cp <= 0xdbff) {
                if (end - p < 6 || p[0] != '\\' || p[1] != 'u'
                    || ngx_http_auth_edjwt_hex4(p + 2, &lo) != NGX_OK
                    || lo < 0xdc00 || lo > 0xdfff)
                {
                    return -1;
                }
                p += 6;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);

            } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                return -1;
            }
            break;

        default:
            return -1;
        }

        if (cp < 0x80) {
            if (dend - d < 1) {
                return -1;
            }
            *d++ = (u_char) cp;

        } else if (cp < 0x800) {
            if (dend - d < 2) {
                return -1;
            }
            *d++ = (u_char) (0xc0 | (cp >> 6));
            *d++ = (u_char) (0x80 | (cp & 0x3f));

        } else if (cp < 0x10000) {
            if (dend - d < 3) {
                return -1;
            }
            *d++ = (u_char) (0xe0 | (cp >> 12));
            *d++ = (u_char) (0x80 | ((cp >> 6) & 0x3f));
            *d++ = (u_char) (0x80 | (cp & 0x3f));

        } else {
            if (dend - d < 4) {
                return -1;
            }
            *d++ = (u_char) (0xf0 | (cp >> 18));
            *d++ = (u_char) (0x80 | ((cp >> 12) & 0x3f));
            *d++ = (u_char) (0x80 | ((cp >> 6) & 0x3f));
            *d++ = (u_char) (0x80 | (cp & 0x3f));
        }
    }

    return d - dst;
}


/* ---- Configuration -------------------------------------------------------------------- */

static char *
ngx_http_auth_edjwt(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_auth_edjwt_loc_conf_t *alcf = conf;

    ngx_str_t                         *value, token;
    ngx_http_compile_complex_value_t   ccv;

    if (alcf->realm != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        if (cf->args->nelts != 2) {
            return "takes no token= with \"off\"";
        }

        alcf->realm = NULL;
        alcf->token = NULL;
        return NGX_CONF_OK;
    }

    alcf->realm = ngx_palloc(cf->pool, sizeof(ngx_http_complex_value_t));
    if (alcf->realm == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));
    ccv.cf = cf;
    ccv.value = &value[1];
    ccv.complex_value = alcf->realm;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    alcf->token = NULL;

    if (cf->args->nelts == 3) {
        if (ngx_strncmp(value[2].data, "token=", 6) != 0 || value[2].len == 6) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\": expected token=$variable",
                               &value[2]);
            return NGX_CONF_ERROR;
        }

        token.data = value[2].data + 6;
        token.len = value[2].len - 6;

        alcf->token = ngx_palloc(cf->pool, sizeof(ngx_http_complex_value_t));
        if (alcf->token == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));
        ccv.cf = cf;
        ccv.value = &token;
        ccv.complex_value = alcf->token;

        if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


static const char *
ngx_http_auth_edjwt_key_problem(int rc)
{
    switch (rc) {
    case EDJWT_ERR_INVALID_KEY:
        return "not a PEM public key, JWK or JWKS";
    case EDJWT_ERR_UNSUPPORTED_KEY:
        return "not an Ed25519 key";
    case EDJWT_ERR_WEAK_KEY:
        return "a weak (small-order or non-canonical) Ed25519 key";
    case EDJWT_ERR_PRIVATE_KEY:
        return "a private key (give the public key: openssl pkey -pubout)";
    case EDJWT_ERR_KEY_SET_FULL:
        return "too many keys";
    default:
        return edjwt_reason_message(rc);
    }
}


/* For the message about a key the library calls unsupported: which kind of key a PEM
 * public key holds, by the algorithm OID in its SubjectPublicKeyInfo, or a JWK by its
 * `kty`. NULL when it cannot tell. */
static const char *
ngx_http_auth_edjwt_key_kind(ngx_pool_t *pool, u_char *text, size_t len)
{
    u_char      *p, *end, *b64end, *d;
    size_t       i, j;
    ngx_str_t    src, der, json, name, kty;
    ngx_uint_t   k;

    static const struct {
        const char  *kind;
        size_t       len;
        u_char       oid[9];
    } oids[] = {
        { "an RSA key", 9, { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01 } },
        { "an EC (ECDSA) key", 7, { 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 } },
        { "an X25519 key", 5, { 0x06, 0x03, 0x2b, 0x65, 0x6e } },
        { "an X448 key", 5, { 0x06, 0x03, 0x2b, 0x65, 0x6f } },
        { "an Ed448 key", 5, { 0x06, 0x03, 0x2b, 0x65, 0x71 } },
    };

    end = text + len;

    if (ngx_strlcasestrn(text, end, (u_char *) "-----BEGIN RSA PUBLIC KEY-----", 29)) {
        return "an RSA key";
    }

    p = ngx_strlcasestrn(text, end, (u_char *) "-----BEGIN PUBLIC KEY-----", 25);

    if (p) {
        p += sizeof("-----BEGIN PUBLIC KEY-----") - 1;
        b64end = ngx_strlcasestrn(p, end, (u_char *) "-----END", 7);
        if (b64end == NULL) {
            return NULL;
        }

        src.data = ngx_pnalloc(pool, b64end - p);
        der.data = ngx_pnalloc(pool, ngx_base64_decoded_length(b64end - p));
        if (src.data == NULL || der.data == NULL) {
            return NULL;
        }

        for (d = src.data; p < b64end; p++) {
            if (*p != '\r' && *p != '\n' && *p != ' ' && *p != '\t') {
                *d++ = *p;
            }
        }

        src.len = d - src.data;

        if (ngx_decode_base64(&der, &src) != NGX_OK) {
            return NULL;
        }

        for (k = 0; k < sizeof(oids) / sizeof(oids[0]); k++) {
            for (i = 0; i + oids[k].len <= der.len; i++) {
                for (j = 0; j < oids[k].len && der.data[i + j] == oids[k].oid[j]; j++) {
                    /* void */
                }

                if (j == oids[k].len) {
                    return oids[k].kind;
                }
            }
        }

        return NULL;
    }

    json.data = text;
    json.len = len;
    ngx_str_set(&name, "kty");

    if (ngx_http_auth_edjwt_json_member(&json, &name, &kty) == NGX_OK) {
        if (kty.len == 5 && ngx_strncmp(kty.data, "\"RSA\"", 5) == 0) {
            return "an RSA key";
        }

        if (kty.len == 4 && ngx_strncmp(kty.data, "\"EC\"", 4) == 0) {
            return "an EC (ECDSA) key";
        }

        if (kty.len == 5 && ngx_strncmp(kty.data, "\"oct\"", 5) == 0) {
            return "a symmetric (HMAC) key";
        }
    }

    return NULL;
}


/* Reads and checks a key file while its directive is parsed, so `nginx -t` and a reload
 * report a bad file at its line and a reload keeps the running configuration. */
static char *
ngx_http_auth_edjwt_key_file(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_auth_edjwt_loc_conf_t *alcf = conf;

    int                              rc;
    u_char                          *text, *p;
    const char                      *kind;
    ssize_t                          n;
    ngx_fd_t                         fd;
    ngx_str_t                       *value, name, conf_name, doc, member, keys;
    ngx_file_info_t                  fi;
    edjwt_verifier                  *check;
    ngx_http_auth_edjwt_key_file_t  *kf;

    value = cf->args->elts;

    if (alcf->key_files == NGX_CONF_UNSET_PTR) {
        alcf->key_files = ngx_array_create(cf->pool, 2,
                                           sizeof(ngx_http_auth_edjwt_key_file_t));
        if (alcf->key_files == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    /* Relative to the prefix like other nginx paths; failing that, to the directory of
     * the configuration file, where ssl_certificate and auth_basic_user_file look. */
    name = value[1];
    if (ngx_conf_full_name(cf->cycle, &name, 0) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    fd = ngx_open_file(name.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE && ngx_errno == NGX_ENOENT && value[1].data[0] != '/') {
        conf_name = value[1];
        if (ngx_conf_full_name(cf->cycle, &conf_name, 1) != NGX_OK) {
            return NGX_CONF_ERROR;
        }

        fd = ngx_open_file(conf_name.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
        if (fd != NGX_INVALID_FILE) {
            name = conf_name;
        } else {
            ngx_set_errno(NGX_ENOENT);
        }
    }

    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "auth_edjwt_key_file \"%s\": cannot open", name.data);
        return NGX_CONF_ERROR;
    }

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "auth_edjwt_key_file \"%s\": " ngx_fd_info_n " failed",
                           name.data);
        goto failed;
    }

    if (ngx_file_size(&fi) > NGX_HTTP_AUTH_EDJWT_MAX_KEY_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "auth_edjwt_key_file \"%s\": larger than %d bytes, not a key "
                           "file", name.data, NGX_HTTP_AUTH_EDJWT_MAX_KEY_FILE);
        goto failed;
    }

    text = ngx_pnalloc(cf->pool, (size_t) ngx_file_size(&fi) + 1);
    if (text == NULL) {
        goto failed;
    }

    n = ngx_read_fd(fd, text, (size_t) ngx_file_size(&fi));

    if (n == -1) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "auth_edjwt_key_file \"%s\": " ngx_read_fd_n " failed",
                           name.data);
        goto failed;
    }

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_ALERT, cf, ngx_errno,
                           ngx_close_file_n " \"%s\" failed", name.data);
    }

    text[n] = '\0';

    if (n == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "auth_edjwt_key_file \"%s\": empty file", name.data);
        return NGX_CONF_ERROR;
    }

    check = ngx_palloc(cf->temp_pool, sizeof(edjwt_verifier));
    if (check == NULL) {
        return NGX_CONF_ERROR;
    }

    rc = edjwt_verifier_init(check, sizeof(edjwt_verifier), (const char *) text, n, NULL);

    if (rc != EDJWT_OK || edjwt_verifier_key_count(check) == 0) {
        doc.data = text;
        doc.len = n;
        ngx_str_set(&member, "keys");

        if (ngx_http_auth_edjwt_json_member(&doc, &member, &keys)
            == NGX_OK
            && keys.len >= 2 && keys.data[0] == '[')
        {
            /* The library calls a set without Ed25519 keys unsupported; an empty one is
             * worth its own message. */
            p = keys.data + 1;
            while (p < keys.data + keys.len
                   && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
            {
                p++;
            }

            if (*p == ']') {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "auth_edjwt_key_file \"%s\": empty key set (no keys)",
                                   name.data);
                return NGX_CONF_ERROR;
            }
        }
    }

    if (rc == EDJWT_ERR_UNSUPPORTED_KEY) {
        kind = ngx_http_auth_edjwt_key_kind(cf->temp_pool, text, n);

        if (kind) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "auth_edjwt_key_file \"%s\": not an Ed25519 key but %s "
                               "(unsupported-key)", name.data, kind);
            return NGX_CONF_ERROR;
        }
    }

    if (rc != EDJWT_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "auth_edjwt_key_file \"%s\": %s (%s)", name.data,
                           ngx_http_auth_edjwt_key_problem(rc), edjwt_reason_code(rc));
        return NGX_CONF_ERROR;
    }

    if (edjwt_verifier_key_count(check) == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "auth_edjwt_key_file \"%s\": empty key set (no keys)",
                           name.data);
        return NGX_CONF_ERROR;
    }

    kf = ngx_array_push(alcf->key_files);
    if (kf == NULL) {
        return NGX_CONF_ERROR;
    }

    kf->name = name;
    kf->text.data = text;
    kf->text.len = n;

    return NGX_CONF_OK;

failed:

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_ALERT, cf, ngx_errno,
                           ngx_close_file_n " \"%s\" failed", name.data);
    }

    return NGX_CONF_ERROR;
}


static char *
ngx_http_auth_edjwt_cache(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_auth_edjwt_loc_conf_t *alcf = conf;

    ngx_str_t  *value;

    if (alcf->cache != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    alcf->cache = ngx_atoi(value[1].data, value[1].len);

    if (alcf->cache == NGX_ERROR || alcf->cache > NGX_HTTP_AUTH_EDJWT_MAX_CACHE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid number of cache slots \"%V\" (0 to %d)", &value[1],
                           NGX_HTTP_AUTH_EDJWT_MAX_CACHE);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_auth_edjwt_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_auth_edjwt_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_auth_edjwt_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->token = NULL;
     *     conf->subject = { 0, NULL };
     *     conf->verifier = NULL;
     */

    conf->realm = NGX_CONF_UNSET_PTR;
    conf->key_files = NGX_CONF_UNSET_PTR;
    conf->issuers = NGX_CONF_UNSET_PTR;
    conf->audiences = NGX_CONF_UNSET_PTR;
    conf->any_audience = NGX_CONF_UNSET;
    conf->require_exp = NGX_CONF_UNSET;
    conf->leeway = NGX_CONF_UNSET;
    conf->max_age = NGX_CONF_UNSET;
    conf->cache = NGX_CONF_UNSET;

    return conf;
}


static char *
ngx_http_auth_edjwt_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_auth_edjwt_loc_conf_t *prev = parent;
    ngx_http_auth_edjwt_loc_conf_t *conf = child;

    ngx_uint_t                  own;
    ngx_http_core_srv_conf_t   *cscf;
    ngx_http_core_loc_conf_t   *clcf;

    /* Whether this level sets anything the verifier is built from; if not, it shares
     * its parent's verifier (and cache) instead of building an identical one. */
    own = conf->key_files != NGX_CONF_UNSET_PTR
          || conf->issuers != NGX_CONF_UNSET_PTR
          || conf->audiences != NGX_CONF_UNSET_PTR
          || conf->subject.data != NULL
          || conf->any_audience != NGX_CONF_UNSET
          || conf->require_exp != NGX_CONF_UNSET
          || conf->leeway != NGX_CONF_UNSET
          || conf->max_age != NGX_CONF_UNSET
          || conf->cache != NGX_CONF_UNSET;

    if (conf->realm == NGX_CONF_UNSET_PTR) {
        conf->realm = prev->realm;
        conf->token = prev->token;
    }

    if (conf->realm == NGX_CONF_UNSET_PTR) {
        conf->realm = NULL;
    }

    ngx_conf_merge_ptr_value(conf->key_files, prev->key_files, NULL);
    ngx_conf_merge_ptr_value(conf->issuers, prev->issuers, NULL);
    ngx_conf_merge_ptr_value(conf->audiences, prev->audiences, NULL);

    if (conf->subject.data == NULL) {
        conf->subject = prev->subject;
    }

    ngx_conf_merge_value(conf->any_audience, prev->any_audience, 0);
    ngx_conf_merge_value(conf->require_exp, prev->require_exp, 1);
    ngx_conf_merge_sec_value(conf->leeway, prev->leeway, EDJWT_DEFAULT_LEEWAY);
    ngx_conf_merge_sec_value(conf->max_age, prev->max_age, 0);
    ngx_conf_merge_value(conf->cache, prev->cache, 0);

    if (!own && prev->verifier) {
        conf->verifier = prev->verifier;

    } else if (conf->key_files) {
        if (ngx_http_auth_edjwt_build(cf, conf) != NGX_CONF_OK) {
            return NGX_CONF_ERROR;
        }
    }

    /* A location that requires tokens without keys to check them is an error. The
     * server{} level is left alone: `auth_edjwt` in http{} or server{} with keys given
     * per location is a valid configuration, and a request that matches no location
     * there is refused at run time (500), never let through. */
    if (conf->realm && conf->verifier == NULL) {
        cscf = ngx_http_conf_get_module_srv_conf(cf, ngx_http_core_module);
        clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

        if (cscf->ctx->loc_conf[ngx_http_auth_edjwt_module.ctx_index] != conf) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"auth_edjwt\" is on in location \"%V\" but no "
                               "\"auth_edjwt_key_file\" is set", &clcf->name);
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_auth_edjwt_strs(ngx_conf_t *cf, ngx_array_t *a, const edjwt_str **out,
    size_t *n)
{
    edjwt_str   *s;
    ngx_str_t   *v;
    ngx_uint_t   i;

    *out = NULL;
    *n = 0;

    if (a == NULL || a->nelts == 0) {
        return NGX_OK;
    }

    s = ngx_palloc(cf->temp_pool, a->nelts * sizeof(edjwt_str));
    if (s == NULL) {
        return NGX_ERROR;
    }

    v = a->elts;
    for (i = 0; i < a->nelts; i++) {
        s[i].ptr = (const char *) v[i].data;
        s[i].len = v[i].len;
    }

    *out = s;
    *n = a->nelts;

    return NGX_OK;
}


static char *
ngx_http_auth_edjwt_build(ngx_conf_t *cf, ngx_http_auth_edjwt_loc_conf_t *conf)
{
    int                              rc;
    size_t                           added;
    ngx_uint_t                       i;
    edjwt_policy                     policy;
    ngx_http_auth_edjwt_key_file_t  *kf;
    ngx_http_auth_edjwt_verifier_t  *v;

    if ((conf->issuers && conf->issuers->nelts > EDJWT_MAX_POLICY_VALUES)
        || (conf->audiences && conf->audiences->nelts > EDJWT_MAX_POLICY_VALUES))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "more than %d \"auth_edjwt_issuer\" or \"auth_edjwt_audience\" "
                           "values", EDJWT_MAX_POLICY_VALUES);
        return NGX_CONF_ERROR;
    }

    v = ngx_pcalloc(cf->pool, sizeof(ngx_http_auth_edjwt_verifier_t));
    if (v == NULL) {
        return NGX_CONF_ERROR;
    }

    edjwt_policy_init(&policy);

    if (ngx_http_auth_edjwt_strs(cf, conf->issuers, &policy.issuers, &policy.issuers_len)
        != NGX_OK
        || ngx_http_auth_edjwt_strs(cf, conf->audiences, &policy.audiences,
                                    &policy.audiences_len)
           != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (conf->subject.data) {
        policy.subject.ptr = (const char *) conf->subject.data;
        policy.subject.len = conf->subject.len;
    }

    policy.leeway = (uint64_t) conf->leeway;
    policy.max_age = (uint64_t) conf->max_age;

    if (!conf->require_exp) {
        policy.flags |= EDJWT_POLICY_ALLOW_MISSING_EXP;
    }

    if (conf->any_audience) {
        policy.flags |= EDJWT_POLICY_ANY_AUDIENCE;
    }

    kf = conf->key_files->elts;

    rc = edjwt_verifier_init(&v->verifier, sizeof(edjwt_verifier),
                             (const char *) kf[0].text.data, kf[0].text.len, &policy);

    if (rc == EDJWT_ERR_POLICY_TOO_LARGE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"auth_edjwt_issuer\", \"auth_edjwt_audience\" and "
                           "\"auth_edjwt_subject\" values exceed %d bytes in all",
                           EDJWT_MAX_POLICY_TEXT);
        return NGX_CONF_ERROR;
    }

    if (rc == EDJWT_ERR_INVALID_ARGUMENT) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "libedjwt_c rejected the policy (invalid-argument): is it "
                           "older than this module?");
        return NGX_CONF_ERROR;
    }

    if (rc != EDJWT_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "auth_edjwt_key_file \"%V\": %s (%s)",
                           &kf[0].name, ngx_http_auth_edjwt_key_problem(rc),
                           edjwt_reason_code(rc));
        return NGX_CONF_ERROR;
    }

    for (i = 1; i < conf->key_files->nelts; i++) {
        rc = edjwt_verifier_add_keys(&v->verifier, (const char *) kf[i].text.data,
                                     kf[i].text.len, &added);

        if (rc == EDJWT_ERR_KEY_SET_FULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "auth_edjwt_key_file \"%V\": more than %d keys in all the "
                               "key files of one location (key-set-full)",
                               &kf[i].name, EDJWT_MAX_KEYS);
            return NGX_CONF_ERROR;
        }

        if (rc != EDJWT_OK) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "auth_edjwt_key_file \"%V\": %s (%s)", &kf[i].name,
                               ngx_http_auth_edjwt_key_problem(rc), edjwt_reason_code(rc));
            return NGX_CONF_ERROR;
        }
    }

    v->max_age = conf->max_age;
    /* auth_edjwt_cache slots, rounded up to whole sets. */
    v->nsets = ((ngx_uint_t) conf->cache + NGX_HTTP_AUTH_EDJWT_CACHE_WAYS - 1)
               / NGX_HTTP_AUTH_EDJWT_CACHE_WAYS;

    if (v->nsets) {
        v->slots = ngx_pcalloc(cf->pool, v->nsets * NGX_HTTP_AUTH_EDJWT_CACHE_WAYS
                                         * sizeof(ngx_http_auth_edjwt_slot_t));
        if (v->slots == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    conf->verifier = v;

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_auth_edjwt_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_auth_edjwt_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_auth_edjwt_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_auth_edjwt_handler;

    return NGX_OK;
}
