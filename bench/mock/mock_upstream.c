/* A fast mock OpenAI upstream for bench/: one thread, epoll, HTTP/1.1 keep-alive and pipelining.
 *
 *   POST .../chat/completions            a fixed chat.completion with usage
 *   POST .../chat/completions "stream":true
 *        a 20-chunk SSE stream (OpenAI chat.completion.chunk format), then a usage chunk when the
 *        request asks for stream_options.include_usage, then "data: [DONE]"; chunked encoding
 *   POST .../embeddings                  a fixed 1536-dimension embedding with usage
 *   GET  /health                         {"ok":true}
 *
 * Per-chunk delay: header "x-mock-delay-ms: N", or the text "mock-delay-ms=N" anywhere in the
 * request body (gateways forward message content unchanged, not custom headers). With a delay,
 * the headers and the first chunk go out at once and chunk i at i*N ms.
 *
 * Usage: mock_upstream [--port N] [--bind ADDR]      (port 0 picks one; prints "mock listening on PORT")
 *        mock_upstream --dump chat|embeddings|stream  (prints a body and exits)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NCHUNKS 20
#define EMB_DIMS 1536

typedef struct { char *p; size_t len, cap; } buf_t;

static void buf_reserve(buf_t *b, size_t extra) {
    if (b->len + extra <= b->cap) return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra) cap *= 2;
    b->p = realloc(b->p, cap);
    if (!b->p) { perror("realloc"); exit(1); }
    b->cap = cap;
}
static void buf_add(buf_t *b, const char *s, size_t n) { buf_reserve(b, n); memcpy(b->p + b->len, s, n); b->len += n; }
static void buf_adds(buf_t *b, const char *s) { buf_add(b, s, strlen(s)); }
static void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static void buf_printf(buf_t *b, const char *fmt, ...) {
    va_list ap; va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap); va_end(ap);
    buf_reserve(b, (size_t)n + 1);
    va_start(ap, fmt); vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap); va_end(ap);
    b->len += (size_t)n;
}
static void buf_consume(buf_t *b, size_t n) {
    if (n >= b->len) { b->len = 0; return; }
    memmove(b->p, b->p + n, b->len - n); b->len -= n;
}

/* ---------- canned bodies ---------- */
static buf_t chat_body, emb_body, chunk_event[NCHUNKS], usage_event;
static const char *done_event = "data: [DONE]\n\n";
/* precomputed full responses */
static buf_t chat_resp, emb_resp, stream_resp_usage, stream_resp_nousage, notfound_resp, health_resp;
static buf_t chunk_piece[NCHUNKS], usage_piece, done_piece; /* chunk-encoded, for paced streams */
static const char *stream_head =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
    "Transfer-Encoding: chunked\r\n\r\n";

static void http_chunk(buf_t *out, const char *data, size_t n) {
    buf_printf(out, "%zx\r\n", n); buf_add(out, data, n); buf_adds(out, "\r\n");
}
static void json_resp(buf_t *out, int status, const char *reason, const buf_t *body) {
    buf_printf(out, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n", status, reason, body->len);
    buf_add(out, body->p, body->len);
}

static void build_bodies(void) {
    buf_adds(&chat_body,
        "{\"id\":\"chatcmpl-bench0001\",\"object\":\"chat.completion\",\"created\":1700000000,"
        "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_bench\",\"choices\":[{\"index\":0,"
        "\"message\":{\"role\":\"assistant\",\"content\":\"Hello! This is a fixed answer from the mock upstream of the "
        "benchmark. It is about as long as a short real reply, so the gateways relay a realistic body.\","
        "\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
        "\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":31,\"total_tokens\":50,"
        "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
        "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
        "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},\"service_tier\":\"default\"}");

    buf_adds(&emb_body, "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[");
    uint32_t x = 12345;
    for (int i = 0; i < EMB_DIMS; i++) {
        x = x * 1103515245u + 12345u;
        double v = ((double)((x >> 8) % 200000) - 100000.0) / 1000000.0;
        buf_printf(&emb_body, "%s%.8f", i ? "," : "", v);
    }
    buf_adds(&emb_body, "]}],\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":8,\"total_tokens\":8}}");

    for (int i = 0; i < NCHUNKS; i++) {
        buf_t *e = &chunk_event[i];
        buf_adds(e, "data: {\"id\":\"chatcmpl-bench0001\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                    "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_bench\",\"choices\":[{\"index\":0,\"delta\":{");
        if (i == 0) buf_adds(e, "\"role\":\"assistant\",");
        buf_printf(e, "\"content\":\"w%02d \"},\"logprobs\":null,\"finish_reason\":%s}]}\n\n", i,
                   i == NCHUNKS - 1 ? "\"stop\"" : "null");
    }
    buf_adds(&usage_event,
        "data: {\"id\":\"chatcmpl-bench0001\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
        "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_bench\",\"choices\":[],"
        "\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":20,\"total_tokens\":39}}\n\n");

    json_resp(&chat_resp, 200, "OK", &chat_body);
    json_resp(&emb_resp, 200, "OK", &emb_body);
    buf_t nf = {0}; buf_adds(&nf, "{\"error\":{\"message\":\"mock: unknown path\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
    json_resp(&notfound_resp, 404, "Not Found", &nf);
    buf_t ok = {0}; buf_adds(&ok, "{\"ok\":true}");
    json_resp(&health_resp, 200, "OK", &ok);

    for (int u = 0; u < 2; u++) {
        buf_t *r = u ? &stream_resp_usage : &stream_resp_nousage;
        buf_adds(r, stream_head);
        for (int i = 0; i < NCHUNKS; i++) http_chunk(r, chunk_event[i].p, chunk_event[i].len);
        if (u) http_chunk(r, usage_event.p, usage_event.len);
        http_chunk(r, done_event, strlen(done_event));
        buf_adds(r, "0\r\n\r\n");
    }
    for (int i = 0; i < NCHUNKS; i++) http_chunk(&chunk_piece[i], chunk_event[i].p, chunk_event[i].len);
    http_chunk(&usage_piece, usage_event.p, usage_event.len);
    http_chunk(&done_piece, done_event, strlen(done_event));
    buf_adds(&done_piece, "0\r\n\r\n");
}

/* ---------- connections ---------- */
typedef struct conn {
    int fd;
    buf_t in, out;
    int close_after;          /* close once out is flushed */
    int paced;                /* a paced stream is in progress */
    int next_chunk, usage;
    int64_t next_ns, delay_ns;
    struct conn *pnext, *pprev; /* list of paced connections */
} conn_t;

static int ep;
static conn_t *paced_head;

static int64_t now_ns(void) {
    struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void conn_close(conn_t *c) {
    if (c->paced) {
        if (c->pprev) c->pprev->pnext = c->pnext; else paced_head = c->pnext;
        if (c->pnext) c->pnext->pprev = c->pprev;
    }
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->in.p); free(c->out.p); free(c);
}

static void set_events(conn_t *c) {
    struct epoll_event ev = {.events = EPOLLIN | (c->out.len ? EPOLLOUT : 0), .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Sends data (or queues it behind what is pending). Returns -1 when the connection died. */
static int conn_send(conn_t *c, const char *p, size_t n) {
    if (c->out.len == 0) {
        while (n > 0) {
            ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
            if (w > 0) { p += w; n -= (size_t)w; continue; }
            if (w < 0 && errno == EINTR) continue;
            if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
            return -1;
        }
        if (n == 0) return 0;
        buf_add(&c->out, p, n);
        set_events(c);
        return 0;
    }
    buf_add(&c->out, p, n);
    return 0;
}

static int flush_out(conn_t *c) {
    size_t off = 0;
    while (off < c->out.len) {
        ssize_t w = send(c->fd, c->out.p + off, c->out.len - off, MSG_NOSIGNAL);
        if (w > 0) { off += (size_t)w; continue; }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        return -1;
    }
    buf_consume(&c->out, off);
    if (c->out.len == 0) set_events(c);
    return 0;
}

static const char *memmem_ci_hdr(const char *h, size_t n, const char *name) {
    /* finds "\r\nname:" case-insensitively; returns pointer to the value */
    size_t nl = strlen(name);
    for (size_t i = 0; i + nl + 3 <= n; i++) {
        if (h[i] == '\r' && h[i + 1] == '\n' && strncasecmp(h + i + 2, name, nl) == 0 && h[i + 2 + nl] == ':') {
            const char *v = h + i + 3 + nl;
            while (*v == ' ' || *v == '\t') v++;
            return v;
        }
    }
    return NULL;
}

/* true when `"key"` is followed (after spaces and a colon) by `true` */
static int json_flag_true(const char *b, size_t n, const char *key) {
    size_t kl = strlen(key);
    const char *p = b, *end = b + n;
    while ((p = memmem(p, (size_t)(end - p), key, kl)) != NULL) {
        const char *q = p + kl;
        while (q < end && isspace((unsigned char)*q)) q++;
        if (q < end && *q == ':') {
            q++;
            while (q < end && isspace((unsigned char)*q)) q++;
            if (end - q >= 4 && memcmp(q, "true", 4) == 0) return 1;
        }
        p += kl;
    }
    return 0;
}

static void paced_add(conn_t *c) {
    c->paced = 1; c->pprev = NULL; c->pnext = paced_head;
    if (paced_head) paced_head->pprev = c;
    paced_head = c;
}
static void paced_remove(conn_t *c) {
    if (c->pprev) c->pprev->pnext = c->pnext; else paced_head = c->pnext;
    if (c->pnext) c->pnext->pprev = c->pprev;
    c->paced = 0;
}

/* Parses and answers complete requests in c->in. Returns -1 to close. */
static int process(conn_t *c) {
    while (!c->paced && !c->close_after) {
        char *end = memmem(c->in.p, c->in.len, "\r\n\r\n", 4);
        if (!end) {
            if (c->in.len > 65536) return -1;
            return 0;
        }
        size_t hlen = (size_t)(end - c->in.p) + 4;
        const char *h = c->in.p;
        const char *sp1 = memchr(h, ' ', hlen);
        if (!sp1) return -1;
        const char *path = sp1 + 1;
        const char *sp2 = memchr(path, ' ', (size_t)(h + hlen - path));
        if (!sp2) return -1;
        size_t plen = (size_t)(sp2 - path);
        int is_get = (sp1 - h == 3 && memcmp(h, "GET", 3) == 0);
        int http10 = memmem(sp2, 12, "HTTP/1.0", 8) != NULL;

        size_t body_off = hlen, body_len = 0, consumed;
        char *body = NULL; buf_t dechunked = {0};
        const char *te = memmem_ci_hdr(h, hlen, "transfer-encoding");
        const char *cl = memmem_ci_hdr(h, hlen, "content-length");
        if (te && strncasecmp(te, "chunked", 7) == 0) {
            size_t pos = hlen;
            for (;;) {
                char *le = memmem(c->in.p + pos, c->in.len - pos, "\r\n", 2);
                if (!le) { free(dechunked.p); return 0; }
                size_t sz = strtoul(c->in.p + pos, NULL, 16);
                size_t data = (size_t)(le - c->in.p) + 2;
                if (sz == 0) {
                    char *tend = memmem(c->in.p + data - 2, c->in.len - (data - 2), "\r\n\r\n", 4);
                    if (!tend) { free(dechunked.p); return 0; }
                    consumed = (size_t)(tend - c->in.p) + 4;
                    break;
                }
                if (c->in.len < data + sz + 2) { free(dechunked.p); return 0; }
                buf_add(&dechunked, c->in.p + data, sz);
                pos = data + sz + 2;
            }
            body = dechunked.p; body_len = dechunked.len;
        } else {
            if (cl) body_len = strtoul(cl, NULL, 10);
            if (body_len > (64u << 20)) return -1;
            if (c->in.len < hlen + body_len) return 0;
            body = c->in.p + body_off;
            consumed = hlen + body_len;
        }
        const char *conn_hdr = memmem_ci_hdr(h, hlen, "connection");
        if ((conn_hdr && strncasecmp(conn_hdr, "close", 5) == 0) || (http10 && !(conn_hdr && strncasecmp(conn_hdr, "keep-alive", 10) == 0)))
            c->close_after = 1;

        int64_t delay_ms = 0;
        const char *dh = memmem_ci_hdr(h, hlen, "x-mock-delay-ms");
        if (dh) delay_ms = strtol(dh, NULL, 10);
        const char *dm = body ? memmem(body, body_len, "mock-delay-ms=", 14) : NULL;
        if (dm) delay_ms = strtol(dm + 14, NULL, 10);

        int rc = 0;
        if (is_get && plen >= 7 && memcmp(path, "/health", 7) == 0) {
            rc = conn_send(c, health_resp.p, health_resp.len);
        } else if (memmem(path, plen, "/embeddings", 11)) {
            rc = conn_send(c, emb_resp.p, emb_resp.len);
        } else if (memmem(path, plen, "/chat/completions", 17)) {
            int stream = body && json_flag_true(body, body_len, "\"stream\"");
            int usage = body && json_flag_true(body, body_len, "\"include_usage\"");
            if (!stream) {
                rc = conn_send(c, chat_resp.p, chat_resp.len);
            } else if (delay_ms <= 0) {
                const buf_t *r = usage ? &stream_resp_usage : &stream_resp_nousage;
                rc = conn_send(c, r->p, r->len);
            } else {
                buf_t first = {0};
                buf_adds(&first, stream_head);
                buf_add(&first, chunk_piece[0].p, chunk_piece[0].len);
                rc = conn_send(c, first.p, first.len);
                free(first.p);
                c->next_chunk = 1; c->usage = usage;
                c->delay_ns = delay_ms * 1000000LL;
                c->next_ns = now_ns() + c->delay_ns;
                paced_add(c);
            }
        } else {
            rc = conn_send(c, notfound_resp.p, notfound_resp.len);
        }
        free(dechunked.p);
        buf_consume(&c->in, consumed);
        if (rc < 0) return -1;
    }
    return 0;
}

/* Sends due chunks of paced streams; returns ms until the next one is due (-1: none). */
static int run_timers(void) {
    int64_t now = now_ns(), next = -1;
    conn_t *c = paced_head;
    while (c) {
        conn_t *nx = c->pnext;
        int dead = 0;
        while (c->next_ns <= now) {
            int i = c->next_chunk++;
            if (conn_send(c, chunk_piece[i].p, chunk_piece[i].len) < 0) { dead = 1; break; }
            if (i == NCHUNKS - 1) {
                if (c->usage && conn_send(c, usage_piece.p, usage_piece.len) < 0) { dead = 1; break; }
                if (conn_send(c, done_piece.p, done_piece.len) < 0) { dead = 1; break; }
                paced_remove(c);
                if (process(c) < 0) dead = 1; /* pipelined requests waiting behind the stream */
                else if (c->close_after && c->out.len == 0) dead = 1;
                break;
            }
            c->next_ns += c->delay_ns;
        }
        if (dead) conn_close(c);
        else if (c->paced && (next < 0 || c->next_ns < next)) next = c->next_ns;
        c = nx;
    }
    if (next < 0) return -1;
    int64_t ms = (next - now_ns() + 999999) / 1000000;
    return ms < 0 ? 0 : (int)ms;
}

int main(int argc, char **argv) {
    int port = 0; const char *bind_addr = "127.0.0.1";
    build_bodies();
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--port") && i + 1 < argc) port = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--bind") && i + 1 < argc) bind_addr = argv[++i];
        else if (!strcmp(argv[i], "--dump") && i + 1 < argc) {
            const char *w = argv[++i];
            if (!strcmp(w, "chat")) fwrite(chat_body.p, 1, chat_body.len, stdout);
            else if (!strcmp(w, "embeddings")) fwrite(emb_body.p, 1, emb_body.len, stdout);
            else if (!strcmp(w, "stream")) {
                for (int k = 0; k < NCHUNKS; k++) fwrite(chunk_event[k].p, 1, chunk_event[k].len, stdout);
                fwrite(usage_event.p, 1, usage_event.len, stdout);
                fputs(done_event, stdout);
            } else { fprintf(stderr, "--dump chat|embeddings|stream\n"); return 2; }
            return 0;
        } else { fprintf(stderr, "usage: mock_upstream [--port N] [--bind ADDR] | --dump chat|embeddings|stream\n"); return 2; }
    }
    signal(SIGPIPE, SIG_IGN);
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, bind_addr, &a.sin_addr);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 4096) < 0) { perror("bind/listen"); return 1; }
    socklen_t al = sizeof a;
    getsockname(ls, (struct sockaddr *)&a, &al);
    printf("mock listening on %d\n", ntohs(a.sin_port));
    fflush(stdout);

    ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    struct epoll_event evs[256];
    char rbuf[65536];
    int timeout = -1;
    for (;;) {
        int n = epoll_wait(ep, evs, 256, timeout);
        if (n < 0 && errno != EINTR) { perror("epoll_wait"); return 1; }
        for (int i = 0; i < n; i++) {
            conn_t *c = evs[i].data.ptr;
            if (!c) {
                for (;;) {
                    int fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (fd < 0) break;
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    conn_t *nc = calloc(1, sizeof *nc);
                    nc->fd = fd;
                    struct epoll_event e2 = {.events = EPOLLIN, .data.ptr = nc};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e2);
                }
                continue;
            }
            int dead = 0;
            if (evs[i].events & EPOLLOUT) {
                if (flush_out(c) < 0) dead = 1;
                else if (c->close_after && c->out.len == 0 && !c->paced) dead = 1;
            }
            if (!dead && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
                for (;;) {
                    ssize_t r = recv(c->fd, rbuf, sizeof rbuf, 0);
                    if (r > 0) { buf_add(&c->in, rbuf, (size_t)r); if ((size_t)r < sizeof rbuf) break; continue; }
                    if (r == 0) { dead = 1; break; }
                    if (errno == EINTR) continue;
                    if (errno != EAGAIN && errno != EWOULDBLOCK) dead = 1;
                    break;
                }
                if (!dead && process(c) < 0) dead = 1;
                if (!dead && c->close_after && c->out.len == 0 && !c->paced) dead = 1;
            }
            if (dead) conn_close(c);
        }
        timeout = paced_head ? run_timers() : -1;
    }
}
