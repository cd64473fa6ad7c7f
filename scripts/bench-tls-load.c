/* scripts/bench-tls-load.c: an SMTP load generator that does STARTTLS (smtp-source cannot). It
 * sends N messages over S concurrent sessions, one message per connection, and prints a JSON
 * summary. Built by scripts/bench-relay.py (cc -O2 ... -lssl -lcrypto -lpthread).
 *
 * Usage: bench-tls-load HOST PORT -m N -s S -l BYTES [-f FROM] [-t TO] [--helo NAME]
 *        [--timeout SECONDS] [--max-errors N]
 * Every connection does a full handshake (no session resumption), as a fresh client would; the
 * server certificate is not verified. C and blocking sockets, one thread per session: the Python
 * generators tried first spent 2-3 ms of CPU per message, as much as the relays under test. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static struct {
    const char *host, *sender, *rcpt, *helo;
    int port, count, sessions, length, timeout, max_errors;
    char *payload;
    size_t payload_len;
    SSL_CTX *ctx;
} opt = {NULL, "bench@bench.example.test", "rcpt@example.net", "bench.example.test", 0, 1, 1, 2048, 60, 10};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int next_msg, sent, failed, nerrors;
static char errors[5][256];

/* One connection: a plain socket until STARTTLS, then the SSL object. */
struct conn {
    int fd;
    SSL *ssl;
    char buf[8192];
    size_t have;
};

static int conn_read(struct conn *c, char *into, size_t room) {
    if (c->ssl) {
        int n = SSL_read(c->ssl, into, (int)room);
        return n > 0 ? n : -1;
    }
    ssize_t n = recv(c->fd, into, room, 0);
    return n > 0 ? (int)n : -1;
}

static int conn_write(struct conn *c, const char *data, size_t len) {
    while (len > 0) {
        int n = c->ssl ? SSL_write(c->ssl, data, (int)len) : (int)send(c->fd, data, len, MSG_NOSIGNAL);
        if (n <= 0) return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Reads one reply (multi-line ones to their last line); 0 when its code starts with `expect`. */
static int read_reply(struct conn *c, const char *expect, char *why, size_t why_len) {
    for (int lines = 0; lines < 100; lines++) {
        char *eol;
        while (!(eol = memchr(c->buf, '\n', c->have))) {
            if (c->have == sizeof c->buf) { snprintf(why, why_len, "reply line too long"); return -1; }
            int n = conn_read(c, c->buf + c->have, sizeof c->buf - c->have);
            if (n < 0) { snprintf(why, why_len, "connection closed or failed waiting for %s", expect); return -1; }
            c->have += (size_t)n;
        }
        size_t len = (size_t)(eol - c->buf) + 1;
        int last = len < 5 || c->buf[3] != '-';
        int ok = strncmp(c->buf, expect, strlen(expect)) == 0;
        if (last && !ok) {
            snprintf(why, why_len, "expected %s, got %.*s", expect, (int)(len > 120 ? 120 : len - 1), c->buf);
        }
        memmove(c->buf, c->buf + len, c->have - len);
        c->have -= len;
        if (last) return ok ? 0 : -1;
    }
    snprintf(why, why_len, "reply longer than 100 lines");
    return -1;
}

static int command(struct conn *c, const char *line, const char *expect, char *why, size_t why_len) {
    if (conn_write(c, line, strlen(line)) < 0) { snprintf(why, why_len, "write failed"); return -1; }
    return read_reply(c, expect, why, why_len);
}

static int one_message(char *why, size_t why_len) {
    struct conn c = {.fd = socket(AF_INET, SOCK_STREAM, 0)};
    if (c.fd < 0) { snprintf(why, why_len, "socket: %s", strerror(errno)); return -1; }
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {.tv_sec = opt.timeout};
    setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(c.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
    inet_pton(AF_INET, opt.host, &sa.sin_addr);
    char line[512];
    int rc = -1;
    if (connect(c.fd, (struct sockaddr *)&sa, sizeof sa) < 0) { snprintf(why, why_len, "connect: %s", strerror(errno)); goto out; }
    if (read_reply(&c, "220", why, why_len) < 0) goto out;
    snprintf(line, sizeof line, "EHLO %s\r\n", opt.helo);
    if (command(&c, line, "250", why, why_len) < 0) goto out;
    if (command(&c, "STARTTLS\r\n", "220", why, why_len) < 0) goto out;
    if (c.have) { snprintf(why, why_len, "data after the 220 to STARTTLS"); goto out; }
    c.ssl = SSL_new(opt.ctx);
    SSL_set_fd(c.ssl, c.fd);
    if (SSL_connect(c.ssl) != 1) {
        char reason[200];
        ERR_error_string_n(ERR_get_error(), reason, sizeof reason);  /* not the shared static buffer */
        snprintf(why, why_len, "TLS handshake: %s", reason);
        goto out;
    }
    snprintf(line, sizeof line, "EHLO %s\r\n", opt.helo);
    if (command(&c, line, "250", why, why_len) < 0) goto out;
    /* No PIPELINING, as with smtp-source's default: one command, one reply. */
    snprintf(line, sizeof line, "MAIL FROM:<%s>\r\n", opt.sender);
    if (command(&c, line, "250", why, why_len) < 0) goto out;
    snprintf(line, sizeof line, "RCPT TO:<%s>\r\n", opt.rcpt);
    if (command(&c, line, "250", why, why_len) < 0) goto out;
    if (command(&c, "DATA\r\n", "354", why, why_len) < 0) goto out;
    if (conn_write(&c, opt.payload, opt.payload_len) < 0) { snprintf(why, why_len, "write failed"); goto out; }
    if (command(&c, ".\r\n", "250", why, why_len) < 0) goto out;
    if (command(&c, "QUIT\r\n", "221", why, why_len) < 0) goto out;
    rc = 0;
out:
    if (c.ssl) { SSL_shutdown(c.ssl); SSL_free(c.ssl); }
    close(c.fd);
    return rc;
}

static void *worker(void *arg) {
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&lock);
        int stop = next_msg >= opt.count || failed > opt.max_errors;
        if (!stop) next_msg++;
        pthread_mutex_unlock(&lock);
        if (stop) return NULL;
        char why[256] = "";
        int rc = one_message(why, sizeof why);
        pthread_mutex_lock(&lock);
        if (rc == 0) {
            sent++;
        } else {
            failed++;
            if (nerrors < 5) snprintf(errors[nerrors++], sizeof errors[0], "%s", why);
        }
        pthread_mutex_unlock(&lock);
    }
}

/* Headers plus `size` bytes of 78-character lines (CRLF included), already dot-safe. */
static void build_message(void) {
    char head[2048];
    int hn = snprintf(head, sizeof head, "From: <%s>\r\nTo: <%s>\r\nSubject: bench\r\n"
                      "Message-ID: <bench@bench.example.test>\r\n\r\n", opt.sender, opt.rcpt);
    if (hn < 0 || hn >= (int)sizeof head) { fprintf(stderr, "bench-tls-load: sender or recipient too long\n"); exit(2); }
    opt.payload = malloc((size_t)hn + (size_t)opt.length + 8);
    memcpy(opt.payload, head, (size_t)hn);
    size_t at = (size_t)hn;
    int lines = opt.length / 78;
    for (int i = 0; i < lines; i++) {
        memset(opt.payload + at, 'X', 76);
        memcpy(opt.payload + at + 76, "\r\n", 2);
        at += 78;
    }
    int rest = opt.length - lines * 78;
    if (rest >= 3) {
        memset(opt.payload + at, 'X', (size_t)rest - 2);
        memcpy(opt.payload + at + rest - 2, "\r\n", 2);
        at += (size_t)rest;
    }
    opt.payload_len = at;
}

static void json_string(const char *s) {
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20) printf("\\u%04x", *s);
        else putchar(*s);
    }
    putchar('"');
}

static int usage(void) {
    fprintf(stderr, "usage: bench-tls-load HOST PORT -m N -s S -l BYTES [-f FROM] [-t TO] [--helo NAME] "
                    "[--timeout SECONDS] [--max-errors N]\n");
    return 2;
}

int main(int argc, char **argv) {
    if (argc < 3) return usage();
    opt.host = argv[1];
    opt.port = atoi(argv[2]);
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) return usage();
        const char *v = argv[++i];
        if (!strcmp(a, "-m")) opt.count = atoi(v);
        else if (!strcmp(a, "-s")) opt.sessions = atoi(v);
        else if (!strcmp(a, "-l")) opt.length = atoi(v);
        else if (!strcmp(a, "-f")) opt.sender = v;
        else if (!strcmp(a, "-t")) opt.rcpt = v;
        else if (!strcmp(a, "--helo")) opt.helo = v;
        else if (!strcmp(a, "--timeout")) opt.timeout = atoi(v);
        else if (!strcmp(a, "--max-errors")) opt.max_errors = atoi(v);
        else return usage();
    }
    if (strncmp(opt.host, "127.", 4) != 0) {
        fprintf(stderr, "bench-tls-load: only 127.0.0.0/8 targets are allowed\n");
        return 2;
    }
    if (opt.sessions < 1 || opt.count < 1 || opt.port <= 0) return usage();
    signal(SIGPIPE, SIG_IGN);  /* a reset connection is one failed message, not the end of the run */
    opt.ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(opt.ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_session_cache_mode(opt.ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(opt.ctx, SSL_OP_NO_TICKET);
    build_message();

    int n = opt.sessions < opt.count ? opt.sessions : opt.count;
    pthread_t *threads = calloc((size_t)n, sizeof *threads);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < n; i++) pthread_create(&threads[i], NULL, worker, NULL);
    for (int i = 0; i < n; i++) pthread_join(threads[i], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

    printf("{\"sent\": %d, \"failed\": %d, \"wall\": %.6f, \"errors\": [", sent, failed, wall);
    for (int i = 0; i < nerrors; i++) {
        if (i) printf(", ");
        json_string(errors[i]);
    }
    printf("]}\n");
    return failed == 0 ? 0 : 1;
}
