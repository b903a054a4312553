/* bench/lib/floor.c - the sweep row's reference: the least a single-threaded
 * raw-socket sweep can do.  It sends an ICMP Echo Request of the same size
 * as netprobe's and fping's (56 bytes of data) to COUNT consecutive IPv4
 * addresses from FIRST, 32 sendto() calls between reads, reads with
 * recvmmsg() in batches of 64, and counts the distinct addresses that
 * answered.  Nothing else: no timestamps, no per-probe state but one bit,
 * no output but the count, no retries.  Whatever a real tool does beyond
 * this costs time on top; the kernel's work per probe (two routes, two
 * packets through lo, the echo reply the kernel builds) is the same for
 * all.  bench/suite builds it with cc and runs it inside its namespace,
 * where every address of 198.18.0.0/16 is local.
 *
 * Usage: floor FIRST COUNT     e.g. floor 198.18.0.1 65534
 * Prints the number of addresses that answered; exit 0 when all did. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DATA 56
#define BURST 32
#define BATCH 64
#define QUIET_MS 500 /* the end: no reply for this long (fping's -t) */
#define LAST_MS 5000 /* and at most this long after the last send */

static uint16_t csum(const uint8_t *b, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		s += (uint32_t)(b[n - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint8_t rbuf[BATCH][1500];
static struct mmsghdr mh[BATCH];
static struct iovec iov[BATCH];

/* Count the replies queued now: ours (ident), each address once. */
static void drain(int fd, uint16_t ident, uint32_t first, uint32_t count,
		  uint8_t *seen, uint32_t *alive)
{
	int n;

	do {
		n = recvmmsg(fd, mh, BATCH, MSG_DONTWAIT, NULL);
		for (int i = 0; i < n; i++) {
			const uint8_t *p = rbuf[i];
			size_t len = mh[i].msg_len, ihl;
			uint32_t src, k;

			if (len < 20 ||
			    (ihl = (size_t)(p[0] & 15) * 4) + 8 > len)
				continue;
			if (p[ihl] != 0 ||
			    (p[ihl + 4] << 8 | p[ihl + 5]) != ident)
				continue;
			memcpy(&src, p + 12, 4);
			k = ntohl(src) - first;
			if (k < count && !(seen[k / 8] & (1u << (k % 8)))) {
				seen[k / 8] |= (uint8_t)(1u << (k % 8));
				(*alive)++;
			}
		}
	} while (n == BATCH);
}

int main(int argc, char **argv)
{
	struct in_addr a;
	struct sockaddr_in dst;
	uint8_t pkt[8 + DATA], *seen;
	uint32_t first, count, alive = 0, filt = ~1u; /* echo replies only */
	uint16_t ident = (uint16_t)getpid();
	int fd, rcv = 256 * 1024;
	struct pollfd pfd;

	if (argc != 3 || inet_pton(AF_INET, argv[1], &a) != 1 ||
	    (count = (uint32_t)strtoul(argv[2], NULL, 10)) == 0 ||
	    count > (1u << 24)) {
		fprintf(stderr, "usage: floor FIRST-IPv4 COUNT\n");
		return 2;
	}
	first = ntohl(a.s_addr);
	seen = calloc(count / 8 + 1, 1);
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (seen == NULL || fd < 0) {
		perror("floor: socket");
		return 2;
	}
	(void)setsockopt(fd, SOL_RAW, 1 /* ICMP_FILTER */, &filt, sizeof(filt));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	(void)fcntl(fd, F_SETFL, O_NONBLOCK);
	for (int i = 0; i < BATCH; i++) {
		iov[i].iov_base = rbuf[i];
		iov[i].iov_len = sizeof(rbuf[i]);
		mh[i].msg_hdr.msg_iov = &iov[i];
		mh[i].msg_hdr.msg_iovlen = 1;
	}
	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	memset(pkt, 0, sizeof(pkt));
	for (size_t i = 8; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)i;
	pkt[0] = 8; /* Echo Request */
	pkt[4] = (uint8_t)(ident >> 8);
	pkt[5] = (uint8_t)ident;
	for (uint32_t k = 0; k < count;) {
		for (int b = 0; b < BURST && k < count; b++, k++) {
			uint16_t c;

			pkt[2] = pkt[3] = 0;
			pkt[6] = (uint8_t)(k >> 8);
			pkt[7] = (uint8_t)k;
			c = csum(pkt, sizeof(pkt));
			pkt[2] = (uint8_t)(c >> 8);
			pkt[3] = (uint8_t)c;
			dst.sin_addr.s_addr = htonl(first + k);
			/* a full send queue: read, wait 1 ms, again (1 s at
			 * most); any other error, once more (a pending socket
			 * error is returned instead of sending) */
			for (int tries = 0; tries < 1000; tries++) {
				if (sendto(fd, pkt, sizeof(pkt), 0,
					   (struct sockaddr *)&dst,
					   sizeof(dst)) >= 0)
					break;
				if (errno != EAGAIN && errno != ENOBUFS &&
				    errno != EINTR && tries > 0)
					break;
				drain(fd, ident, first, count, seen, &alive);
				(void)poll(NULL, 0, 1);
			}
		}
		drain(fd, ident, first, count, seen, &alive);
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (int waited = 0; alive < count && waited < LAST_MS;) {
		uint32_t before = alive;
		int r = poll(&pfd, 1, QUIET_MS);

		if (r < 0 && errno != EINTR)
			break;
		drain(fd, ident, first, count, seen, &alive);
		if (r == 0 || alive == before) /* quiet, or others' replies */
			waited += QUIET_MS;
	}
	printf("%u\n", alive);
	return alive == count ? 0 : 1;
}
