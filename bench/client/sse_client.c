/* Streaming load client for bench/: N keep-alive connections, each running chat-completion streams
 * back to back until the duration is over (one thread, epoll). Per stream it records the time to the
 * first byte of the response, to the first SSE data event, and to the end of the response, and checks
 * that the stream is complete: HTTP 200, the 20 content chunks w00..w19 in order, a usage chunk, and
 * "data: [DONE]" as the last event. Prints one JSON object.
 *
 * sse_client --port P [--host 127.0.0.1] [--path /v1/chat/completions] [--model gpt-4o-mini]
 *            [--concurrency N] [--duration SECONDS] [--delay-ms D] [--header "Name: value"]...
 *            [--timeout SECONDS] [--verbose]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
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

static int64_t now_ns(void) {
    struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

typedef struct { double *v; size_t n, cap; } samples_t;
static void sample_add(samples_t *s, double x) {
    if (s->n == s->cap) { s->cap = s->cap ? s->cap * 2 : 1024; s->v = realloc(s->v, s->cap * sizeof(double)); }
    s->v[s->n++] = x;
}
static int cmpd(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }
static double pct(samples_t *s, double p) {
    if (!s->n) return -1;
    size_t i = (size_t)(p / 100.0 * (double)(s->n - 1) + 0.5);
    return s->v[i];
}

enum { S_CONNECTING, S_SENDING, S_HEAD, S_BODY };
enum { B_LEN, B_CHUNKED, B_CLOSE };
enum { C_SIZE, C_DATA, C_DATA_CRLF, C_TRAILER };

typedef struct {
    int fd, state, idx;
    size_t sent;
    char head[16384]; size_t head_len;
    int status, body_mode, keepalive;
    long long remaining;              /* content-length mode */
    int cstate; size_t csize; char cline[64]; size_t cline_len; /* chunked decoder */
    char *sse; size_t sse_len, sse_cap;   /* undecoded SSE text */
    int64_t t_start, t_first_byte, t_first_event, deadline_ns;
    int events, done_seen, after_done, usage_seen, next_marker, bad;
    int events_this_read, coalesced;
} conn_t;

static const char *host = "127.0.0.1", *path = "/v1/chat/completions", *model = "gpt-4o-mini";
static int port = 0, concurrency = 1, delay_ms = 0, verbose = 0;
static double duration = 5, timeout_s = 15;
static char *request; static size_t request_len;
static int ep;
static int64_t end_ns;
static samples_t ttfb, tfe, total;
static long streams_ok, streams_incomplete, errors_connect, errors_status, errors_io, errors_timeout;
static long coalesced_events;
static int active;

static void sse_append(conn_t *c, const char *p, size_t n) {
    if (c->sse_len + n > c->sse_cap) {
        c->sse_cap = (c->sse_len + n) * 2 + 4096;
        c->sse = realloc(c->sse, c->sse_cap);
    }
    memcpy(c->sse + c->sse_len, p, n); c->sse_len += n;
}

static void on_event(conn_t *c, char *ev, size_t n) {
    /* one SSE event (lines, without the blank line); look at its data lines */
    char *line = ev, *end = ev + n;
    while (line < end) {
        char *nl = memchr(line, '\n', (size_t)(end - line));
        char *le = nl ? nl : end;
        size_t ll = (size_t)(le - line);
        if (ll && line[ll - 1] == '\r') ll--;
        if (ll >= 5 && memcmp(line, "data:", 5) == 0) {
            char *d = line + 5; size_t dl = ll - 5;
            if (dl && *d == ' ') { d++; dl--; }
            if (!c->t_first_event) c->t_first_event = now_ns();
            if (c->done_seen) c->after_done++;
            c->events++;
            if (++c->events_this_read > 1) c->coalesced++;
            if (dl == 6 && memcmp(d, "[DONE]", 6) == 0) c->done_seen = 1;
            else {
                char save = d[dl]; d[dl] = 0;
                if (strstr(d, "\"total_tokens\"")) c->usage_seen = 1;
                char m[16];
                const char *q = d;
                while (c->next_marker < NCHUNKS) {
                    snprintf(m, sizeof m, "w%02d", c->next_marker);
                    const char *f = strstr(q, m);
                    if (!f) break;
                    q = f + 3; c->next_marker++;
                }
                d[dl] = save;
            }
        }
        line = le + 1;
    }
}

static void sse_scan(conn_t *c) {
    size_t start = 0;
    for (size_t i = 0; i + 1 < c->sse_len; i++) {
        size_t sep = 0;
        if (c->sse[i] == '\n' && c->sse[i + 1] == '\n') sep = 2;
        else if (i + 3 < c->sse_len && c->sse[i] == '\r' && c->sse[i + 1] == '\n' && c->sse[i + 2] == '\r' && c->sse[i + 3] == '\n') sep = 4;
        if (sep) { on_event(c, c->sse + start, i - start); start = i + sep; i += sep - 1; }
    }
    if (start) { memmove(c->sse, c->sse + start, c->sse_len - start); c->sse_len -= start; }
}

static void conn_start(conn_t *c);

static void conn_reset_stream(conn_t *c) {
    c->sent = 0; c->head_len = 0; c->status = 0; c->remaining = 0; c->cstate = C_SIZE; c->cline_len = 0;
    c->sse_len = 0; c->t_first_byte = c->t_first_event = 0; c->events = c->done_seen = c->after_done = 0;
    c->usage_seen = c->next_marker = c->bad = 0; c->coalesced = 0;
}

static void conn_drop(conn_t *c) {
    if (c->fd >= 0) { epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL); close(c->fd); c->fd = -1; }
}

static void conn_finish(conn_t *c, int by_close);

static void send_request(conn_t *c) {
    c->state = S_SENDING;
    while (c->sent < request_len) {
        ssize_t w = send(c->fd, request + c->sent, request_len - c->sent, MSG_NOSIGNAL);
        if (w > 0) { c->sent += (size_t)w; continue; }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno == EAGAIN) {
            struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN, .data.ptr = c};
            epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
            return;
        }
        errors_io++; if (verbose) fprintf(stderr, "send: %s\n", strerror(errno));
        conn_drop(c); conn_start(c); return;
    }
    c->state = S_HEAD;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void conn_start(conn_t *c) {
    /* begins the next stream (new connection if needed) or retires the connection */
    if (now_ns() >= end_ns) { conn_drop(c); active--; return; }
    conn_reset_stream(c);
    c->t_start = now_ns();
    c->deadline_ns = c->t_start + (int64_t)(timeout_s * 1e9);
    if (c->fd < 0) {
        c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int one = 1;
        setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        inet_pton(AF_INET, host, &a.sin_addr);
        int r = connect(c->fd, (struct sockaddr *)&a, sizeof a);
        struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};
        epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
        if (r < 0 && errno != EINPROGRESS) {
            errors_connect++; if (verbose) fprintf(stderr, "connect: %s\n", strerror(errno));
            conn_drop(c);
            usleep(10000);
            conn_start(c);
            return;
        }
        c->state = S_CONNECTING;
        if (r == 0) send_request(c);
        return;
    }
    send_request(c);
}

static void conn_finish(conn_t *c, int by_close) {
    int64_t t = now_ns();
    int complete = c->status == 200 && c->done_seen && !c->after_done && c->usage_seen && c->next_marker == NCHUNKS && !c->bad;
    if (c->status != 200) errors_status++;
    else if (complete) {
        streams_ok++;
        sample_add(&ttfb, (double)(c->t_first_byte - c->t_start) / 1e6);
        sample_add(&tfe, (double)(c->t_first_event - c->t_start) / 1e6);
        sample_add(&total, (double)(t - c->t_start) / 1e6);
        coalesced_events += c->coalesced;
    } else {
        streams_incomplete++;
        if (verbose) fprintf(stderr, "incomplete stream: events=%d done=%d usage=%d markers=%d after_done=%d\n",
                             c->events, c->done_seen, c->usage_seen, c->next_marker, c->after_done);
    }
    if (by_close || !c->keepalive) conn_drop(c);
    conn_start(c);
}

/* feeds body bytes; returns 1 when the response is complete */
static int feed_body(conn_t *c, const char *p, size_t n) {
    if (c->body_mode == B_CLOSE) { sse_append(c, p, n); return 0; }
    if (c->body_mode == B_LEN) {
        size_t take = (long long)n < c->remaining ? n : (size_t)c->remaining;
        sse_append(c, p, take); c->remaining -= (long long)take;
        if (take < n) c->bad = 1;
        return c->remaining == 0;
    }
    size_t i = 0;
    while (i < n) {
        if (c->cstate == C_SIZE || c->cstate == C_TRAILER || c->cstate == C_DATA_CRLF) {
            char ch = p[i++];
            if (c->cline_len < sizeof c->cline - 1) c->cline[c->cline_len++] = ch;
            if (ch != '\n') continue;
            c->cline[c->cline_len] = 0;
            if (c->cstate == C_DATA_CRLF) { c->cline_len = 0; c->cstate = C_SIZE; continue; }
            if (c->cstate == C_TRAILER) {
                int blank = c->cline_len <= 2; c->cline_len = 0;
                if (blank) { if (i != n) c->bad = 1; return 1; }
                continue;
            }
            c->csize = strtoul(c->cline, NULL, 16); c->cline_len = 0;
            c->cstate = c->csize ? C_DATA : C_TRAILER;
        } else {
            size_t take = n - i < c->csize ? n - i : c->csize;
            sse_append(c, p + i, take); i += take; c->csize -= take;
            if (!c->csize) c->cstate = C_DATA_CRLF;
        }
    }
    return 0;
}

static void on_readable(conn_t *c) {
    char buf[65536];
    for (;;) {
        ssize_t r = recv(c->fd, buf, sizeof buf, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 && errno == EAGAIN) return;
        if (r <= 0) {
            if (c->state == S_BODY && c->body_mode == B_CLOSE && r == 0) {
                c->events_this_read = 0; sse_scan(c); conn_finish(c, 1); return;
            }
            if (c->state == S_HEAD && c->head_len == 0 && r == 0) {
                /* keep-alive connection closed by the server between requests: retry on a new one */
                conn_drop(c); errors_io++; conn_start(c); return;
            }
            errors_io++; if (verbose) fprintf(stderr, "recv: %s (state %d)\n", r ? strerror(errno) : "closed", c->state);
            conn_drop(c); conn_start(c); return;
        }
        if (!c->t_first_byte) c->t_first_byte = now_ns();
        const char *p = buf; size_t n = (size_t)r;
        c->events_this_read = 0;
        if (c->state == S_HEAD) {
            size_t take = n < sizeof c->head - c->head_len ? n : sizeof c->head - c->head_len;
            memcpy(c->head + c->head_len, p, take);
            size_t old = c->head_len; c->head_len += take;
            char *e = memmem(c->head, c->head_len, "\r\n\r\n", 4);
            if (!e) { if (c->head_len == sizeof c->head) { errors_io++; conn_drop(c); conn_start(c); return; } continue; }
            size_t hl = (size_t)(e - c->head) + 4;
            size_t used = hl - old;
            p += used; n -= used;
            c->head[hl - 2] = 0;
            c->status = atoi(c->head + 9);
            c->keepalive = strncmp(c->head, "HTTP/1.1", 8) == 0;
            c->body_mode = B_CLOSE;
            for (char *l = strstr(c->head, "\r\n"); l; l = strstr(l + 2, "\r\n")) {
                char *v = l + 2;
                if (!strncasecmp(v, "transfer-encoding:", 18) && strcasestr(v, "chunked")) c->body_mode = B_CHUNKED;
                else if (!strncasecmp(v, "content-length:", 15) && c->body_mode != B_CHUNKED) { c->body_mode = B_LEN; c->remaining = atoll(v + 15); }
                else if (!strncasecmp(v, "connection:", 11)) {
                    char *w = v + 11; while (*w == ' ') w++;
                    if (!strncasecmp(w, "close", 5)) c->keepalive = 0;
                    else if (!strncasecmp(w, "keep-alive", 10)) c->keepalive = 1;
                }
            }
            if (c->body_mode == B_CLOSE) c->keepalive = 0;
            c->state = S_BODY;
            if (c->body_mode == B_LEN && c->remaining == 0) { conn_finish(c, 0); return; }
        }
        if (c->state == S_BODY && n) {
            int done = feed_body(c, p, n);
            sse_scan(c);
            if (done) { conn_finish(c, 0); return; }
        }
    }
}

int main(int argc, char **argv) {
    char headers[8192] = "";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--verbose")) { verbose = 1; continue; }
        if (!v) { fprintf(stderr, "missing value for %s\n", a); return 2; }
        i++;
        if (!strcmp(a, "--host")) host = v;
        else if (!strcmp(a, "--port")) port = atoi(v);
        else if (!strcmp(a, "--path")) path = v;
        else if (!strcmp(a, "--model")) model = v;
        else if (!strcmp(a, "--concurrency")) concurrency = atoi(v);
        else if (!strcmp(a, "--duration")) duration = atof(v);
        else if (!strcmp(a, "--delay-ms")) delay_ms = atoi(v);
        else if (!strcmp(a, "--timeout")) timeout_s = atof(v);
        else if (!strcmp(a, "--header")) { strncat(headers, v, sizeof headers - strlen(headers) - 3); strcat(headers, "\r\n"); }
        else { fprintf(stderr, "unknown option %s\n", a); return 2; }
    }
    if (!port || concurrency < 1) { fprintf(stderr, "usage: sse_client --port P [--concurrency N] [--duration S] [--delay-ms D] [--header H]...\n"); return 2; }
    signal(SIGPIPE, SIG_IGN);
    char body[1024];
    int bl = snprintf(body, sizeof body,
        "{\"model\":\"%s\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
        "\"messages\":[{\"role\":\"user\",\"content\":\"Count to twenty. mock-delay-ms=%d\"}]}", model, delay_ms);
    request = malloc(16384);
    request_len = (size_t)snprintf(request, 16384,
        "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n%s"
        "Content-Length: %d\r\n\r\n%s", path, host, port, headers, bl, body);

    ep = epoll_create1(EPOLL_CLOEXEC);
    conn_t *conns = calloc((size_t)concurrency, sizeof(conn_t));
    int64_t t0 = now_ns();
    end_ns = t0 + (int64_t)(duration * 1e9);
    active = concurrency;
    for (int i = 0; i < concurrency; i++) { conns[i].fd = -1; conns[i].idx = i; conn_start(&conns[i]); }
    struct epoll_event evs[256];
    int64_t hard_end = end_ns + (int64_t)(timeout_s * 1e9);
    while (active > 0) {
        int n = epoll_wait(ep, evs, 256, 100);
        for (int i = 0; i < n; i++) {
            conn_t *c = evs[i].data.ptr;
            if (c->fd < 0) continue;
            if (c->state == S_CONNECTING) {
                int err = 0; socklen_t el = sizeof err;
                getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
                if (err) { errors_connect++; if (verbose) fprintf(stderr, "connect: %s\n", strerror(err)); conn_drop(c); usleep(10000); conn_start(c); continue; }
                send_request(c);
            } else if (c->state == S_SENDING) {
                send_request(c);
            } else {
                on_readable(c);
            }
        }
        int64_t t = now_ns();
        for (int i = 0; i < concurrency; i++) {
            conn_t *c = &conns[i];
            if (c->fd >= 0 && t > c->deadline_ns) {
                errors_timeout++; conn_drop(c); conn_start(c);
            }
        }
        if (t > hard_end) break;
    }
    double elapsed = (double)(now_ns() - t0) / 1e9;
    qsort(ttfb.v, ttfb.n, sizeof(double), cmpd);
    qsort(tfe.v, tfe.n, sizeof(double), cmpd);
    qsort(total.v, total.n, sizeof(double), cmpd);
    double mean_total = 0; for (size_t i = 0; i < total.n; i++) mean_total += total.v[i];
    if (total.n) mean_total /= (double)total.n;
    long errs = errors_connect + errors_status + errors_io + errors_timeout;
    printf("{\"concurrency\":%d,\"delay_ms\":%d,\"duration_s\":%.3f,\"streams\":%ld,\"complete\":%ld,\"incomplete\":%ld,"
           "\"errors\":%ld,\"errors_detail\":{\"connect\":%ld,\"status\":%ld,\"io\":%ld,\"timeout\":%ld},"
           "\"streams_per_s\":%.2f,\"coalesced_events_per_stream\":%.3f,"
           "\"ttfb_ms\":{\"p50\":%.4f,\"p90\":%.4f,\"p99\":%.4f},"
           "\"first_event_ms\":{\"p50\":%.4f,\"p90\":%.4f,\"p99\":%.4f},"
           "\"total_ms\":{\"p50\":%.4f,\"p90\":%.4f,\"p99\":%.4f,\"mean\":%.4f}}\n",
           concurrency, delay_ms, elapsed, streams_ok + streams_incomplete + errors_status, streams_ok, streams_incomplete,
           errs, errors_connect, errors_status, errors_io, errors_timeout,
           (double)streams_ok / elapsed, streams_ok ? (double)coalesced_events / (double)streams_ok : 0.0,
           pct(&ttfb, 50), pct(&ttfb, 90), pct(&ttfb, 99), pct(&tfe, 50), pct(&tfe, 90), pct(&tfe, 99),
           pct(&total, 50), pct(&total, 90), pct(&total, 99), mean_total);
    return 0;
}
