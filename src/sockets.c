/* sockets.c - opening ICMP/ICMPv6 sockets and setting their options */
#include "config.h"

#include "sockets.h"

#include "clock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "proto.h"

const char *np_priv_path_name(enum np_priv_path p)
{
	switch (p) {
	case NP_PATH_RAW_ROOT:
		return "raw socket, CAP_NET_RAW held by root";
	case NP_PATH_RAW_CAP:
		return "raw socket, CAP_NET_RAW held by a user other than root "
		       "(file capability)";
	case NP_PATH_DGRAM:
		return "datagram ICMP socket, unprivileged "
		       "(net.ipv4.ping_group_range)";
	case NP_PATH_CONNECT:
		return "TCP connect() per probe, unprivileged (--connect)";
	}
	return "?";
}

const char *np_socket_path_name(const struct np_socket *s)
{
	if (s->kind == NP_SOCK_DGRAM && s->proto != NULL &&
	    strcmp(s->proto->name, "udp") == 0)
		return "datagram UDP socket, unprivileged (ICMP errors through "
		       "IP_RECVERR)";
	return np_priv_path_name(s->path);
}

static int bind_device(int fd, const char *ifname, struct np_privs *privs,
		       struct np_err *err)
{
	socklen_t len = (socklen_t)strlen(ifname) + 1;
	int rc, saved;

	/* Since Linux 5.7 a first SO_BINDTODEVICE needs no capability; older
	 * kernels answer EPERM, and then CAP_NET_RAW is raised for it. */
	rc = setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, len);
	saved = errno;
	if (rc != 0 && saved == EPERM && np_privs_raise(privs) == 0) {
		rc = setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, len);
		saved = errno;
		if (np_privs_lower(privs, err) != 0)
			return -1;
	}
	if (rc != 0)
		return np_err_errno(
			err, saved,
			"-I %s: cannot bind to the interface (SO_BINDTODEVICE)",
			ifname);
	return 0;
}

/* Apply -I to a socket: bind to the address, or to the interface.
 * Returns 1 when it bound an address, 0 when not, -1 on error. */
static int apply_source(int fd, int family, const struct np_options *o,
			uint16_t port, struct np_privs *privs,
			struct np_err *err)
{
	struct sockaddr_storage sa;

	if (o->source == NULL)
		return 0;
	if (np_addr_parse(o->source, family, &sa) != 0) {
		np_addr_set_port((struct sockaddr *)&sa, port); /* UDP's -e */
		if (bind(fd, (struct sockaddr *)&sa, np_addr_len(family)) != 0)
			return np_err_errno(err, errno,
					    "-I %s: cannot bind to the address",
					    o->source);
		return 1;
	}
	if (if_nametoindex(o->source) == 0)
		return np_err_set(
			err, "-I %s: no such interface, and not an %s address",
			o->source, family == AF_INET6 ? "IPv6" : "IPv4");
	return bind_device(fd, o->source, privs, err);
}

int np_socket_route(struct np_socket *s, const struct np_target *t,
		    const struct np_options *o, struct np_privs *privs,
		    struct np_err *err)
{
	struct sockaddr_storage dst;
	socklen_t len = sizeof(s->src);
	int fd, mtu = 0;
	socklen_t mlen = sizeof(mtu);

	fd = socket(t->family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd < 0)
		return np_err_errno(err, errno,
				    "socket(UDP) for the route lookup");
	if (apply_source(fd, t->family, o, 0, privs, err) < 0) {
		close(fd);
		return -1;
	}
	memcpy(&dst, &t->addr, sizeof(dst));
	np_addr_set_port((struct sockaddr *)&dst, 1025);
	memcpy(&s->route_dst, &dst, sizeof(dst));
	s->route_dstlen = t->addrlen;
	if (connect(fd, (struct sockaddr *)&dst, t->addrlen) != 0) {
		int e = errno;

		close(fd);
		if (e == EACCES)
			return np_err_set(err,
					  "connect to %s: permission denied "
					  "(is %s a broadcast address? "
					  "netprobe does not ping broadcast)",
					  t->addr_str, t->addr_str);
		return np_err_errno(err, e, "connect to %s", t->addr_str);
	}
	if (getsockname(fd, (struct sockaddr *)&s->src, &len) != 0) {
		int e = errno;

		close(fd);
		return np_err_errno(err, e, "getsockname");
	}
	if (getsockopt(fd, t->family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
		       t->family == AF_INET ? IP_MTU : IPV6_MTU, &mtu,
		       &mlen) == 0)
		s->route_mtu = mtu;
	/* Kept open: its IP_MTU follows the path MTU the kernel learns
	 * during the run (for "message too long, mtu=N"). */
	s->route_fd = fd;
	return 0;
}

/* The MTU of the route to `dst` through the UDP socket `fd`, 0 if none.
 * Connecting again drops the socket's cached route, whose MTU does not
 * change when the kernel learns a smaller path MTU (IP_MTU would go on
 * answering the first-hop MTU). */
static int route_mtu(int fd, const struct sockaddr *dst, socklen_t dstlen)
{
	int mtu = 0;
	socklen_t len = sizeof(mtu);
	bool v6 = dst->sa_family == AF_INET6;

	if (fd >= 0 && connect(fd, dst, dstlen) == 0 &&
	    getsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
		       v6 ? IPV6_MTU : IP_MTU, &mtu, &len) == 0 &&
	    mtu > 0)
		return mtu;
	return 0;
}

int np_socket_path_mtu(const struct np_socket *s)
{
	int mtu = route_mtu(s->route_fd, (const struct sockaddr *)&s->route_dst,
			    s->route_dstlen);

	return mtu > 0 ? mtu : s->route_mtu;
}

int np_socket_emsgsize_mtu(const struct np_socket *s,
			   const struct sockaddr *dst, socklen_t dstlen)
{
	struct sockaddr_storage d;

	/* As ping mode, through a UDP socket opened before the sandbox (a
	 * raw socket has no IP_MTU, and without IP_RECVERR no error-queue
	 * entry). */
	if (dstlen > sizeof(d))
		return 0;
	memcpy(&d, dst, dstlen);
	np_addr_set_port((struct sockaddr *)&d, 1025);
	return route_mtu(s->route_fd, (struct sockaddr *)&d, dstlen);
}

int np_socket_flow_src(struct np_socket *s, const struct sockaddr *dst,
		       socklen_t dstlen, struct sockaddr_storage *src)
{
	struct sockaddr_storage d;
	struct sockaddr unspec;
	socklen_t len = sizeof(*src);

	if (s->flow_src.ss_family == dst->sa_family &&
	    np_addr_equal((const struct sockaddr *)&s->flow_dst, dst)) {
		memcpy(src, &s->flow_src, sizeof(*src));
		return 0;
	}
	if (dstlen > sizeof(d) || s->route_fd < 0)
		return -1;
	memset(&d, 0, sizeof(d));
	memcpy(&d, dst, dstlen);
	np_addr_set_port((struct sockaddr *)&d, 1025);
	memset(src, 0, sizeof(*src));
	/* Dissolve the last association first: connected again, an IPv4
	 * UDP socket keeps the source its first connect chose. */
	memset(&unspec, 0, sizeof(unspec));
	unspec.sa_family = AF_UNSPEC;
	(void)connect(s->route_fd, &unspec, sizeof(unspec));
	if (connect(s->route_fd, (struct sockaddr *)&d, dstlen) != 0 ||
	    getsockname(s->route_fd, (struct sockaddr *)src, &len) != 0 ||
	    src->ss_family != dst->sa_family)
		return -1;
	memcpy(&s->flow_dst, &d, sizeof(d));
	memcpy(&s->flow_src, src, sizeof(*src));
	return 0;
}

int np_socket_open_route(struct np_socket *s, int family, struct np_err *err)
{
	s->route_fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	if (s->route_fd < 0)
		return np_err_errno(err, errno,
				    "socket(UDP) for the route lookup");
	return 0;
}

/* This program's path, for the setcap command the messages suggest. */
static void self_path(char *exe, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", exe, len - 1);

	exe[n > 0 ? n : 0] = '\0';
	if (n <= 0)
		snprintf(exe, len, "netprobe");
}

/* The current ping_group_range, for the error message. */
static void read_ping_group_range(char *buf, size_t len)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ping_group_range", "re");

	snprintf(buf, len, "unknown");
	if (f == NULL)
		return;
	if (fgets(buf, (int)len, f) != NULL) {
		char *p;

		for (p = buf; *p; p++)
			if (*p == '\t' || *p == '\n')
				*p = *p == '\t' ? ' ' : '\0';
	}
	fclose(f);
}

int np_socket_open(struct np_socket *s, int family, struct np_privs *privs,
		   struct np_err *err)
{
	return np_socket_open_proto(s, np_proto_default(), family, privs, err);
}

int np_socket_open_proto(struct np_socket *s, const struct np_proto *P,
			 int family, struct np_privs *privs, struct np_err *err)
{
	int proto = P->sock_protocol(family);
	int raw_errno = EPERM, dgram_errno;
	char range[64], exe[512];

	s->fd = -1;
	s->family = family;
	s->proto = P;
	if (P->connect) { /* a stream socket for the options; no privilege */
		s->fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, proto);
		if (s->fd < 0)
			return np_err_errno(err, errno, "socket(SOCK_STREAM)");
		s->kind = NP_SOCK_STREAM;
		s->path = NP_PATH_CONNECT;
		return 0;
	}
	if (P->raw && np_privs_raise(privs) == 0) {
		s->fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, proto);
		raw_errno = errno;
		if (np_privs_lower(privs, err) != 0) {
			if (s->fd >= 0)
				close(s->fd);
			return -1;
		}
		if (s->fd >= 0) {
			s->kind = NP_SOCK_RAW;
			s->path = privs->is_root ? NP_PATH_RAW_ROOT
						 : NP_PATH_RAW_CAP;
			return 0;
		}
		if (raw_errno != EPERM && raw_errno != EACCES)
			return np_err_errno(err, raw_errno, "socket(SOCK_RAW)");
	}
	if (!P->dgram) {
		/* TCP SYN probes: a raw socket or nothing; the connect()
		 * probe is the way without privileges */
		self_path(exe, sizeof(exe));
		return np_err_set(
			err,
			"cannot open a raw %s socket for --%s: no CAP_NET_RAW "
			"(%s).\n"
			"Fix either: give the binary the capability:  sudo "
			"setcap cap_net_raw+p %s\n"
			"        or: probe without privileges, with connect(): "
			"--%s --connect",
			P->name, P->name, strerror(raw_errno), exe, P->name);
	}
	s->fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, proto);
	if (s->fd >= 0) {
		s->kind = NP_SOCK_DGRAM;
		s->path = NP_PATH_DGRAM;
		return 0;
	}
	dgram_errno = errno;
	if (dgram_errno != EPERM && dgram_errno != EACCES)
		return np_err_errno(err, dgram_errno, "socket(SOCK_DGRAM, %s)",
				    family == AF_INET6 ? "IPPROTO_ICMPV6"
						       : "IPPROTO_ICMP");
	read_ping_group_range(range, sizeof(range));
	self_path(exe, sizeof(exe));
	return np_err_set(
		err,
		"cannot open an ICMP socket: no CAP_NET_RAW for a raw socket "
		"(%s), and group %u is outside net.ipv4.ping_group_range "
		"(\"%s\") for a datagram ICMP socket (%s).\n"
		"Fix either: give the binary the capability:  sudo setcap "
		"cap_net_raw+p %s\n"
		"        or: allow datagram ICMP sockets:       sudo sysctl -w "
		"net.ipv4.ping_group_range=\"0 2147483647\"",
		strerror(raw_errno), (unsigned)getgid(), range,
		strerror(dgram_errno), exe);
}

static int setopt_int(int fd, int level, int name, int val, const char *what,
		      struct np_err *err)
{
	if (setsockopt(fd, level, name, &val, sizeof(val)) != 0)
		return np_err_errno(err, errno, "setsockopt(%s, %d)", what,
				    val);
	return 0;
}

static int pmtu_value(enum np_pmtu m, int family)
{
	if (family == AF_INET)
		return m == NP_PMTU_DO	   ? IP_PMTUDISC_DO
		       : m == NP_PMTU_DONT ? IP_PMTUDISC_DONT
		       : m == NP_PMTU_WANT ? IP_PMTUDISC_WANT
					   : IP_PMTUDISC_PROBE;
	return m == NP_PMTU_DO	   ? IPV6_PMTUDISC_DO
	       : m == NP_PMTU_DONT ? IPV6_PMTUDISC_DONT
	       : m == NP_PMTU_WANT ? IPV6_PMTUDISC_WANT
				   : IPV6_PMTUDISC_PROBE;
}

static int learn_ident(struct np_socket *s, struct np_err *err)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);

	if (s->kind != NP_SOCK_DGRAM)
		return 0;
	if (getsockname(s->fd, (struct sockaddr *)&sa, &len) != 0)
		return np_err_errno(err, errno,
				    "getsockname on the ICMP socket");
	/* For ping sockets the "port" is the Echo identifier. */
	s->ident = ntohs(sa.ss_family == AF_INET6
				 ? ((struct sockaddr_in6 *)&sa)->sin6_port
				 : ((struct sockaddr_in *)&sa)->sin_port);
	return 0;
}

/* Linux switches software receive stamps on for the whole machine through
 * deferred work (the netstamp static key) when the first socket asks for
 * them; packets that arrive before that work has run carry no stamp, and a
 * whole gap-0 burst or flood could fall back to user-space times. So once
 * per run, before the first probe, wait until a datagram sent to ourselves
 * over loopback comes back stamped: a few tries, at most about 50 ms, and
 * nothing at all when loopback is down or the stamps are already on. */
static int64_t cmsg_timestamp(const struct cmsghdr *cm, size_t dlen);

static void await_rx_stamps(void)
{
	static bool done;
	int on = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
	struct sockaddr_in self;
	socklen_t len = sizeof(self);
	int64_t deadline;
	int fd;

	if (done)
		return;
	done = true;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	memset(&self, 0, sizeof(self));
	self.sin_family = AF_INET;
	self.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &on, sizeof(on)) != 0 ||
	    bind(fd, (struct sockaddr *)&self, sizeof(self)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&self, &len) != 0)
		goto out;
	deadline = np_clock_mono() + 50 * NP_NSEC_PER_MSEC;
	do {
		union {
			char buf[CMSG_SPACE(3 * sizeof(struct timespec))];
			struct cmsghdr align;
		} control;
		char byte = 0;
		struct iovec iov = {.iov_base = &byte, .iov_len = 1};
		struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
		struct timeval tv = {.tv_sec = 0, .tv_usec = 2000};
		struct cmsghdr *c;
		struct pollfd pfd = {.fd = fd, .events = POLLIN};

		if (sendto(fd, &byte, 1, 0, (struct sockaddr *)&self,
			   sizeof(self)) != 1)
			break;
		/* poll: the descriptor may be above FD_SETSIZE */
		if (poll(&pfd, 1, (int)(tv.tv_usec / 1000)) <= 0)
			break; /* loopback does not answer: nothing to wait for
				*/
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		if (recvmsg(fd, &msg, 0) < 0)
			break;
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
			if (c->cmsg_level == SOL_SOCKET &&
			    cmsg_timestamp(c, c->cmsg_len - CMSG_LEN(0)) != 0)
				goto out; /* stamped: the key is on */
		{
			struct timespec pause = {.tv_sec = 0,
						 .tv_nsec = 100000};

			nanosleep(&pause, NULL); /* let the deferred work run */
		}
	} while (np_clock_mono() < deadline);
out:
	close(fd);
}

/* Kernel timestamps where the kernel has them: software receive and
 * transmit stamps (SO_TIMESTAMPING), else receive stamps only
 * (SO_TIMESTAMPNS), else none: user space reads the clock. */
static void enable_timestamps(struct np_socket *s)
{
	int rx = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
	/* Transmit stamps are asked for per probe (np_socket_send), so a
	 * probe sent without the request costs nothing. */
	int txrx = rx | SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;

	s->ts_rx = s->ts_tx = false;
	/* Transmit stamps are tied to probes by SCM_TS_OPT_ID (Linux 6.13):
	 * without it the kernel's own counter would name them, which cannot
	 * be tied to probes for sure, so they are not asked for at all. */
	if (np_socket_tx_id_supported() &&
	    setopt_int(s->fd, SOL_SOCKET, SO_TIMESTAMPING, txrx,
		       "SO_TIMESTAMPING", NULL) == 0)
		s->ts_rx = s->ts_tx = true;
	else if (setopt_int(s->fd, SOL_SOCKET, SO_TIMESTAMPING, rx,
			    "SO_TIMESTAMPING", NULL) == 0 ||
		 setopt_int(s->fd, SOL_SOCKET, SO_TIMESTAMPNS, 1,
			    "SO_TIMESTAMPNS", NULL) == 0)
		s->ts_rx = true;
	if (s->ts_rx)
		await_rx_stamps();
}

int np_socket_configure(struct np_socket *s, const struct np_options *o,
			struct np_privs *privs, struct np_err *err)
{
	int fd = s->fd;
	int bound;
	int flags;
	/* UDP: -e is the source port (the flow's, constant for the run) */
	bool udp =
		s->kind == NP_SOCK_DGRAM && strcmp(s->proto->name, "udp") == 0;
	uint16_t sport = udp && o->ident >= 0 ? (uint16_t)o->ident : 0;

	/* A datagram socket's identifier is its port, which the kernel
	 * lets a second socket bind too (seen on Linux 6.18), and then it
	 * delivers every reply to one of them: the other run loses all. */
	if (s->kind == NP_SOCK_DGRAM && o->ident >= 0 && !udp)
		return np_err_set(err,
				  "-e needs a raw socket (CAP_NET_RAW): on a "
				  "datagram ICMP socket the kernel chooses the "
				  "identifier");
	if (s->kind == NP_SOCK_RAW && o->ident >= 0) {
		s->ident = (uint16_t)o->ident; /* -e */
	} else if (s->kind == NP_SOCK_RAW) {
		/* The identifier: random, so that concurrent instances rarely
		 * share one (the cookie tells them apart when they do). */
		if (getrandom(&s->ident, sizeof(s->ident), 0) !=
		    sizeof(s->ident))
			s->ident = (uint16_t)getpid();
	}
	if (s->family == AF_INET) {
		if (s->kind == NP_SOCK_RAW) {
			if (s->proto->filter(fd, AF_INET, err) != 0)
				return -1;
		} else if (setopt_int(fd, IPPROTO_IP, IP_RECVERR, 1,
				      "IP_RECVERR", err) != 0) {
			return -1;
		}
		/* The TTL of a reply: a raw socket reads it in the IP header
		 * it receives; a datagram socket needs it as a control
		 * message. */
		if (s->kind == NP_SOCK_DGRAM &&
		    setopt_int(fd, IPPROTO_IP, IP_RECVTTL, 1, "IP_RECVTTL",
			       err) != 0)
			return -1;
		/* (a stream socket has no multicast TTL) */
		if (o->ttl >= 0 &&
		    (setopt_int(fd, IPPROTO_IP, IP_TTL, o->ttl, "IP_TTL",
				err) ||
		     (s->kind != NP_SOCK_STREAM &&
		      setopt_int(fd, IPPROTO_IP, IP_MULTICAST_TTL, o->ttl,
				 "IP_MULTICAST_TTL", err))))
			return -1;
		if (o->tos >= 0 &&
		    setopt_int(fd, IPPROTO_IP, IP_TOS, o->tos, "IP_TOS", err))
			return -1;
		if (o->pmtu != NP_PMTU_DEFAULT &&
		    setopt_int(fd, IPPROTO_IP, IP_MTU_DISCOVER,
			       pmtu_value(o->pmtu, AF_INET), "IP_MTU_DISCOVER",
			       err))
			return -1;
	} else {
		if (s->kind == NP_SOCK_RAW &&
		    s->proto->filter(fd, AF_INET6, err) != 0)
			return -1;
		if (s->kind == NP_SOCK_DGRAM &&
		    setopt_int(fd, IPPROTO_IPV6, IPV6_RECVERR, 1,
			       "IPV6_RECVERR", err))
			return -1;
		if (setopt_int(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1,
			       "IPV6_RECVHOPLIMIT", err) ||
		    setopt_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1,
			       "IPV6_RECVPKTINFO", err))
			return -1;
		if (o->ttl >= 0 &&
		    (setopt_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, o->ttl,
				"IPV6_UNICAST_HOPS", err) ||
		     (s->kind != NP_SOCK_STREAM &&
		      setopt_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, o->ttl,
				 "IPV6_MULTICAST_HOPS", err))))
			return -1;
		if (o->tos >= 0 && setopt_int(fd, IPPROTO_IPV6, IPV6_TCLASS,
					      o->tos, "IPV6_TCLASS", err))
			return -1;
		if (o->pmtu != NP_PMTU_DEFAULT &&
		    setopt_int(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER,
			       pmtu_value(o->pmtu, AF_INET6),
			       "IPV6_MTU_DISCOVER", err))
			return -1;
	}
	bound = apply_source(fd, s->family, o, sport, privs, err);
	if (bound < 0)
		return -1;
	if (s->kind == NP_SOCK_DGRAM) {
		struct sockaddr_storage any;

		/* Binding to port 0 makes the kernel pick our identifier now
		 * (ping_get_port), so replies can be checked against it. */
		if (!bound) {
			memset(&any, 0, sizeof(any));
			any.ss_family = (sa_family_t)s->family;
			np_addr_set_port((struct sockaddr *)&any, sport);
			if (bind(fd, (struct sockaddr *)&any,
				 np_addr_len(s->family)) != 0)
				return np_err_errno(err, errno,
						    "bind of the datagram %s "
						    "socket%s",
						    udp ? "UDP" : "ICMP",
						    sport ? " (-e)" : "");
		}
		if (learn_ident(s, err) != 0)
			return -1;
	}
	if (!o->user_timestamps && s->kind != NP_SOCK_STREAM)
		enable_timestamps(s);
	s->errqueue = s->kind == NP_SOCK_DGRAM || s->ts_tx;
	if (s->proto->configure != NULL && s->proto->configure(s, o, err) != 0)
		return -1;
	/* A large receive buffer: replies can arrive in bursts. */
	(void)setopt_int(fd, SOL_SOCKET, SO_RCVBUF, 256 * 1024, "SO_RCVBUF",
			 NULL);
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
		return np_err_errno(err, errno, "fcntl(O_NONBLOCK)");
	return 0;
}

/* ---- receiving ----------------------------------------------------------- */

#ifndef SCM_TS_OPT_ID
#define SCM_TS_OPT_ID 81 /* <asm-generic/socket.h>, Linux 6.13 */
#endif

static ssize_t send_plain(int fd, const void *buf, size_t len,
			  const struct sockaddr *dst, socklen_t dstlen)
{
	ssize_t n;

	do {
		n = sendto(fd, buf, len, 0, dst, dstlen);
	} while (n < 0 && errno == EINTR);
	return n;
}

/* The control messages that ask for one probe's transmit stamp, named
 * `id` (SCM_TS_OPT_ID), into msg's control buffer `ctl`. */
union np_tx_control {
	char buf[CMSG_SPACE(sizeof(uint32_t)) + CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

static void tx_stamp_control(struct msghdr *msg, union np_tx_control *ctl,
			     uint32_t id)
{
	int flags = SOF_TIMESTAMPING_TX_SOFTWARE;
	struct cmsghdr *cm;

	memset(ctl, 0, sizeof(*ctl));
	msg->msg_control = ctl->buf;
	msg->msg_controllen = sizeof(ctl->buf);
	cm = CMSG_FIRSTHDR(msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SO_TIMESTAMPING; /* this probe's transmit stamp */
	cm->cmsg_len = CMSG_LEN(sizeof(flags));
	memcpy(CMSG_DATA(cm), &flags, sizeof(flags));
	cm = CMSG_NXTHDR(msg, cm);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_TS_OPT_ID; /* named by the probe's number */
	cm->cmsg_len = CMSG_LEN(sizeof(id));
	memcpy(CMSG_DATA(cm), &id, sizeof(id));
}

bool np_socket_tx_id_supported(void)
{
	struct sockaddr_in self;
	socklen_t len = sizeof(self);
	union np_tx_control ctl;
	char byte = 0;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg;
	bool ok = false;
	int fd;

	/* A kernel before 6.13 refuses the unknown control message with
	 * EINVAL before it routes anything; one byte to our own loopback
	 * socket tells (any other outcome, even ENETUNREACH with loopback
	 * down, means the message was accepted). */
	int on = SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_OPT_ID |
		 SOF_TIMESTAMPING_OPT_TSONLY;

	/* (the kernel takes SCM_TS_OPT_ID only on a socket with OPT_ID) */
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &on, sizeof(on)) != 0) {
		close(fd);
		return false;
	}
	memset(&self, 0, sizeof(self));
	self.sin_family = AF_INET;
	self.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&self, sizeof(self)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&self, &len) == 0) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_name = &self;
		msg.msg_namelen = sizeof(self);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		tx_stamp_control(&msg, &ctl, 0);
		ok = sendmsg(fd, &msg, 0) >= 0 || errno != EINVAL;
	}
	close(fd);
	return ok;
}

ssize_t np_socket_send(struct np_socket *s, const void *buf, size_t len,
		       const struct sockaddr *dst, socklen_t dstlen,
		       uint32_t id)
{
	union np_tx_control control;
	struct iovec iov;
	struct msghdr msg;
	ssize_t n;

	struct sockaddr_storage to;

	/* The header the kernel of a datagram socket writes (UDP's): not
	 * sent, but its destination port (bytes 2-3) goes to sendto. */
	if (s->kind == NP_SOCK_DGRAM && s->proto != NULL &&
	    s->proto->dgram_skip >= 4 && len >= s->proto->dgram_skip &&
	    dstlen <= sizeof(to)) {
		const uint8_t *h = buf;

		memcpy(&to, dst, dstlen);
		np_addr_set_port((struct sockaddr *)&to,
				 (uint16_t)(h[2] << 8 | h[3]));
		dst = (const struct sockaddr *)&to;
		buf = h + s->proto->dgram_skip;
		len -= s->proto->dgram_skip;
	}
	if (!s->ts_tx)
		return send_plain(s->fd, buf, len, dst, dstlen);
	iov.iov_base = (void *)buf;
	iov.iov_len = len;
	memset(&msg, 0, sizeof(msg));
	msg.msg_name = (void *)dst;
	msg.msg_namelen = dstlen;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	/* SCM_TS_OPT_ID was found to work at setup (enable_timestamps): an
	 * error here, EINVAL included, is this probe's, and is returned. */
	tx_stamp_control(&msg, &control, id);
	do {
		n = sendmsg(s->fd, &msg, 0);
	} while (n < 0 && errno == EINTR);
	return n;
}

/* A kernel timestamp (SCM_TIMESTAMPING's software stamp, or
 * SCM_TIMESTAMPNS) in ns of CLOCK_REALTIME from a SOL_SOCKET control
 * message; 0 when it is not one or holds none. */
static int64_t cmsg_timestamp(const struct cmsghdr *cm, size_t dlen)
{
	struct timespec ts[3];

	if (cm->cmsg_type == SO_TIMESTAMPING && dlen >= sizeof(ts))
		memcpy(ts, CMSG_DATA(cm), sizeof(ts));
	else if (cm->cmsg_type == SO_TIMESTAMPNS && dlen >= sizeof(ts[0]))
		memcpy(ts, CMSG_DATA(cm), sizeof(ts[0]));
	else
		return 0;
	if (ts[0].tv_sec <= 0 || ts[0].tv_nsec < 0 ||
	    ts[0].tv_nsec >= NP_NSEC_PER_SEC)
		return 0;
	return (int64_t)ts[0].tv_sec * NP_NSEC_PER_SEC + ts[0].tv_nsec;
}

/* What recvmsg(2) returned: `n` bytes in `buf`, the control messages in
 * `msg` (stamps, TTL, destination, error-queue data), the sender in
 * pkt->from.  Nothing is parsed here: the receive path does that
 * (np_rx_parse). */
static void read_msg(const struct np_socket *s, struct msghdr *msg,
		     uint8_t *buf, size_t n, bool errqueue, int64_t real_off,
		     struct np_rxpkt *pkt)
{
	struct cmsghdr *cm;
	int64_t kts = 0;
	bool have_ee = false;

	pkt->ttl = -1;
	for (cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
		size_t dlen;
		int ival;

		if (cm->cmsg_len < CMSG_LEN(0))
			break; /* the kernel never sends one; do not trust it */
		dlen = cm->cmsg_len - CMSG_LEN(0);

		if (cm->cmsg_level == SOL_SOCKET) {
			int64_t t = cmsg_timestamp(cm, dlen);

			if (t != 0)
				kts = t;
		} else if ((cm->cmsg_level == IPPROTO_IP &&
			    cm->cmsg_type == IP_TTL) ||
			   (cm->cmsg_level == IPPROTO_IPV6 &&
			    cm->cmsg_type == IPV6_HOPLIMIT)) {
			if (dlen >= sizeof(ival)) {
				memcpy(&ival, CMSG_DATA(cm), sizeof(ival));
				pkt->ttl = ival;
			}
		} else if (cm->cmsg_level == IPPROTO_IPV6 &&
			   cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			if (dlen >= sizeof(pi)) {
				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				pkt->dst6 = pi.ipi6_addr;
				pkt->have_dst6 = true;
			}
		} else if ((cm->cmsg_level == IPPROTO_IP &&
			    cm->cmsg_type == IP_RECVERR) ||
			   (cm->cmsg_level == IPPROTO_IPV6 &&
			    cm->cmsg_type == IPV6_RECVERR)) {
			if (dlen >= sizeof(pkt->ee)) {
				memcpy(&pkt->ee, CMSG_DATA(cm),
				       sizeof(pkt->ee));
				have_ee = true;
				if (dlen >=
				    sizeof(pkt->ee) + np_addr_len(s->family)) {
					memset(&pkt->offender, 0,
					       sizeof(pkt->offender));
					memcpy(&pkt->offender,
					       CMSG_DATA(cm) + sizeof(pkt->ee),
					       np_addr_len(s->family));
					pkt->have_offender =
						pkt->offender.ss_family ==
						s->family;
				}
			}
		}
	}
	if (errqueue && have_ee &&
	    pkt->ee.ee_origin == SO_EE_ORIGIN_TIMESTAMPING) {
		/* A transmit stamp (OPT_TSONLY: no packet with it). */
		if (kts != 0 && s->ts_tx) {
			pkt->tx_stamp = true;
			pkt->tx_id = pkt->ee.ee_data;
			pkt->rx_mono = kts - real_off;
		}
		return;
	}
	if (kts != 0 && s->ts_rx) {
		pkt->rx_mono = kts - real_off;
		pkt->rx_real = kts;
		pkt->ts |= NP_TS_RX_KERNEL;
	}
	if (msg->msg_flags & MSG_TRUNC) {
		memset(&pkt->r, 0, sizeof(pkt->r));
		pkt->truncated = true;
		pkt->parsed = true;
		return;
	}
	if (errqueue ? !have_ee : pkt->from.ss_family != s->family)
		return;
	pkt->to_parse = true;
	pkt->errqueue = errqueue;
	pkt->buf = buf;
	pkt->len = n;
}

/* recvmsg/recvmmsg failed: 0 when the queue is empty or the error was a
 * pending socket error (with IP_RECVERR every ICMP error also sets one,
 * which the next plain read returns: EHOSTUNREACH, EACCES for
 * "prohibited", EREMOTEIO for a redirect...; the error queue holds the
 * details), -1 for errors about the call itself. */
static int recv_failed(int e, bool *again, struct np_err *err)
{
	*again = false;
	if (e == EAGAIN || e == EWOULDBLOCK)
		return 0;
	if (e == EBADF || e == EFAULT || e == EINVAL || e == ENOTSOCK ||
	    e == ENOMEM)
		return np_err_errno(err, e, "recvmsg");
	*again = true; /* EINTR, or a pending error: read on */
	return 0;
}

/* ---- receiving in batches ------------------------------------------------ */

struct np_rxbatch_ctl {
	union {
		char buf[512];
		struct cmsghdr align;
	} u;
};

int np_rxbatch_init(struct np_rxbatch *b, size_t bufsize, unsigned count)
{
	memset(b, 0, sizeof(*b));
	b->bufsize = bufsize;
	b->count = count;
	b->data = malloc(bufsize * count);
	b->ctl = calloc(count, sizeof(*b->ctl));
	b->hdr = calloc(count, sizeof(*b->hdr));
	b->iov = calloc(count, sizeof(*b->iov));
	b->pkt = calloc(count, sizeof(*b->pkt));
	if (b->data == NULL || b->ctl == NULL || b->hdr == NULL ||
	    b->iov == NULL || b->pkt == NULL) {
		np_rxbatch_free(b);
		return -1;
	}
	for (unsigned i = 0; i < count; i++) {
		struct msghdr *m = &b->hdr[i].msg_hdr;

		b->iov[i].iov_base = b->data + i * bufsize;
		b->iov[i].iov_len = bufsize;
		m->msg_name = &b->pkt[i].from;
		m->msg_iov = &b->iov[i];
		m->msg_iovlen = 1;
		m->msg_control = b->ctl[i].u.buf;
	}
	return 0;
}

void np_rxbatch_free(struct np_rxbatch *b)
{
	free(b->data);
	free(b->ctl);
	free(b->hdr);
	free(b->iov);
	free(b->pkt);
	memset(b, 0, sizeof(*b));
}

/* Up to `max` (at most b->count) datagrams: recvmmsg, or for one
 * recvmsg, which does not look into the queue a second time. */
static int recv_n(const struct np_socket *s, struct np_rxbatch *b, unsigned max,
		  bool errqueue, struct np_err *err)
{
	int n, flags = MSG_DONTWAIT | (errqueue ? MSG_ERRQUEUE : 0);
	bool again;
	int64_t now, now_real, off;

	if (errqueue && !s->errqueue) /* nothing can be there: no call */
		return 0;
	/* The pointers were set once (np_rxbatch_init); the kernel changes
	 * only the lengths and flags.  Nothing is cleared before the call:
	 * with one reply per wake-up, clearing the whole batch cost more
	 * than the rest of the receive path in user space. */
	for (unsigned i = 0; i < max; i++) {
		struct msghdr *m = &b->hdr[i].msg_hdr;

		m->msg_namelen = sizeof(b->pkt[i].from);
		m->msg_controllen = sizeof(b->ctl[i].u.buf);
		m->msg_flags = 0;
	}
	if (max == 1) {
		ssize_t r = recvmsg(s->fd, &b->hdr[0].msg_hdr, flags);

		n = r < 0 ? -1 : 1;
		if (r >= 0)
			b->hdr[0].msg_len = (unsigned)r;
	} else {
		n = recvmmsg(s->fd, b->hdr, max, flags, NULL);
	}
	if (n < 0) {
		if (recv_failed(errno, &again, err) < 0)
			return -1;
		return again ? -2 : 0;
	}
	/* read once, when a datagram of the batch has no kernel stamp */
	now = now_real = 0;
	off = s->ts_rx ? np_clock_real_minus_mono() : 0;
	for (int i = 0; i < n; i++) {
		struct np_rxpkt *pkt = &b->pkt[i];
		socklen_t nl = b->hdr[i].msg_hdr.msg_namelen;

		/* A clean entry but for the sender address the kernel has
		 * just written, and the reply: the parser that fills it clears
		 * it first, and nothing reads it unless `parsed`.  (Clearing
		 * the whole entry was the most of this loop's time in a
		 * sweep.) */
		if (nl > sizeof(pkt->from))
			nl = sizeof(pkt->from);
		memset((char *)&pkt->from + nl, 0, sizeof(pkt->from) - nl);
		memset(pkt, 0, offsetof(struct np_rxpkt, dst6));
		read_msg(s, &b->hdr[i].msg_hdr,
			 b->data + (size_t)i * b->bufsize, b->hdr[i].msg_len,
			 errqueue, off, pkt);
		if (pkt->rx_mono == 0) {
			if (now == 0) {
				now = np_clock_mono();
				now_real = np_clock_real();
			}
			pkt->rx_mono = now;
			pkt->rx_real = now_real;
		}
	}
	return n;
}

int np_socket_recv_batch(const struct np_socket *s, struct np_rxbatch *b,
			 bool errqueue, struct np_err *err)
{
	return recv_n(s, b, b->count, errqueue, err);
}

int np_socket_recv_one(const struct np_socket *s, struct np_rxbatch *b,
		       bool errqueue, struct np_err *err)
{
	return recv_n(s, b, 1, errqueue, err);
}
