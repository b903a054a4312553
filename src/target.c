/* target.c - name resolution and address helpers */
#include "config.h"

#include "target.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

socklen_t np_addr_len(int family)
{
	return family == AF_INET6 ? sizeof(struct sockaddr_in6)
				  : sizeof(struct sockaddr_in);
}

/* Dotted quad, as inet_ntop(3) writes it, without the printf(3) machinery
 * glibc's goes through: a sweep prints one per address (a tenth of the
 * user-space time of a /16). */
static void ipv4_str(const unsigned char a[4], char *buf, size_t len)
{
	char tmp[16];
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (v >= 100)
			tmp[n++] = (char)('0' + v / 100);
		if (v >= 10)
			tmp[n++] = (char)('0' + v / 10 % 10);
		tmp[n++] = (char)('0' + v % 10);
		tmp[n++] = i < 3 ? '.' : '\0';
	}
	if (n <= len)
		memcpy(buf, tmp, n);
}

void np_addr_str(const struct sockaddr *sa, char *buf, size_t len)
{
	if (len == 0)
		return;
	buf[0] = '\0';
	if (sa->sa_family == AF_INET) {
		unsigned char a[4];

		memcpy(a,
		       (const char *)sa +
			       offsetof(struct sockaddr_in, sin_addr),
		       sizeof(a));
		ipv4_str(a, buf, len);
	} else if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 sin6;
		char ifname[IF_NAMESIZE];
		size_t used;

		memcpy(&sin6, sa, sizeof(sin6));
		inet_ntop(AF_INET6, &sin6.sin6_addr, buf, (socklen_t)len);
		used = strlen(buf);
		if (sin6.sin6_scope_id != 0 &&
		    IN6_IS_ADDR_LINKLOCAL(&sin6.sin6_addr) && used < len) {
			if (if_indextoname(sin6.sin6_scope_id, ifname))
				snprintf(buf + used, len - used, "%%%s",
					 ifname);
			else
				snprintf(buf + used, len - used, "%%%u",
					 (unsigned)sin6.sin6_scope_id);
		}
	} else {
		snprintf(buf, len, "?");
	}
}

void np_addr_name(const struct sockaddr *sa, bool numeric, char *buf,
		  size_t len)
{
	if (numeric || getnameinfo(sa, np_addr_len(sa->sa_family), buf,
				   (socklen_t)len, NULL, 0, NI_NAMEREQD) != 0)
		np_addr_str(sa, buf, len);
}

bool np_addr_equal(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET) {
		struct sockaddr_in x, y;

		memcpy(&x, a, sizeof(x));
		memcpy(&y, b, sizeof(y));
		return x.sin_addr.s_addr == y.sin_addr.s_addr;
	}
	if (a->sa_family == AF_INET6) {
		struct sockaddr_in6 x, y;

		memcpy(&x, a, sizeof(x));
		memcpy(&y, b, sizeof(y));
		if (memcmp(&x.sin6_addr, &y.sin6_addr, sizeof(x.sin6_addr)))
			return false;
		return x.sin6_scope_id == 0 || y.sin6_scope_id == 0 ||
		       x.sin6_scope_id == y.sin6_scope_id;
	}
	return false;
}

bool np_name_is_localhost(const char *name)
{
	size_t n = strlen(name);

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n < 9 || strncasecmp(name + n - 9, "localhost", 9) != 0)
		return false;
	/* "localhost" itself, or a label ending at ".localhost" (not
	 * "mylocalhost"); no empty label ("..localhost", ".localhost") */
	if (n == 9)
		return true;
	return name[n - 10] == '.' && n > 10 && name[0] != '.' &&
	       strstr(name, "..") == NULL;
}

/* RFC 6761 6.3: the loopback address without asking the resolver, which
 * a minimal system without /etc/hosts sends to DNS (and fails).  IPv4
 * unless -6: 127.0.0.1 works where IPv6 is disabled, ::1 may not. */
static void localhost_target(struct np_target *t, int family)
{
	if (family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&t->addr;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		t->addrlen = sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&t->addr;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		t->addrlen = sizeof(*sin);
	}
	t->family = family == AF_INET6 ? AF_INET6 : AF_INET;
}

int np_target_resolve(struct np_target *t, const char *name, int family,
		      bool numeric_out, struct np_err *err)
{
	struct addrinfo hints, *res = NULL, *ai;
	int rc;

	memset(t, 0, sizeof(*t));
	t->name = name;
	if (np_name_is_localhost(name)) {
		localhost_target(t, family);
		np_addr_str((struct sockaddr *)&t->addr, t->addr_str,
			    sizeof(t->addr_str));
		/* the name as given: a reverse lookup would need the
		 * /etc/hosts this path exists to do without */
		snprintf(t->host, sizeof(t->host), "%s",
			 numeric_out ? t->addr_str : name);
		return 0;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_RAW;
	hints.ai_flags = AI_NUMERICHOST;
	rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc == 0) {
		t->numeric = true;
	} else {
		hints.ai_flags = AI_ADDRCONFIG | AI_CANONNAME;
		rc = getaddrinfo(name, NULL, &hints, &res);
		if (rc == EAI_ADDRFAMILY || rc == EAI_NONAME ||
		    rc == EAI_NODATA) {
			/* AI_ADDRCONFIG hides ::1 in a namespace with only
			 * loopback up: ask again without it. */
			hints.ai_flags = AI_CANONNAME;
			rc = getaddrinfo(name, NULL, &hints, &res);
		}
	}
	if (rc != 0) {
		const char *fam = family == AF_INET    ? " (IPv4)"
				  : family == AF_INET6 ? " (IPv6)"
						       : "";

		return np_err_set(err, "cannot resolve '%s'%s: %s", name, fam,
				  rc == EAI_SYSTEM ? "system error"
						   : gai_strerror(rc));
	}
	for (ai = res; ai != NULL; ai = ai->ai_next)
		if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6)
			break;
	if (ai == NULL) {
		freeaddrinfo(res);
		return np_err_set(err, "'%s' has no IPv4 or IPv6 address",
				  name);
	}
	t->family = ai->ai_family;
	t->addrlen = ai->ai_addrlen;
	memcpy(&t->addr, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(res);
	np_addr_str((struct sockaddr *)&t->addr, t->addr_str,
		    sizeof(t->addr_str));
	/* iputils: a numeric target is shown numerically. */
	np_addr_name((struct sockaddr *)&t->addr, numeric_out || t->numeric,
		     t->host, sizeof(t->host));
	return 0;
}

int np_addr_parse(const char *s, int family, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (family != AF_INET6 && inet_pton(AF_INET, s, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		return AF_INET;
	}
	memset(ss, 0, sizeof(*ss));
	if (family != AF_INET &&
	    inet_pton(AF_INET6, s, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		return AF_INET6;
	}
	memset(ss, 0, sizeof(*ss));
	return 0;
}

uint16_t np_addr_port(const struct sockaddr *sa)
{
	uint16_t p = 0;

	if (sa->sa_family == AF_INET)
		memcpy(&p,
		       (const char *)sa +
			       offsetof(struct sockaddr_in, sin_port),
		       sizeof(p));
	else if (sa->sa_family == AF_INET6)
		memcpy(&p,
		       (const char *)sa +
			       offsetof(struct sockaddr_in6, sin6_port),
		       sizeof(p));
	return ntohs(p);
}

void np_addr_set_port(struct sockaddr *sa, uint16_t port)
{
	uint16_t p = htons(port);

	/* by offset, as the caller's buffer is aligned for struct sockaddr */
	if (sa->sa_family == AF_INET)
		memcpy((char *)sa + offsetof(struct sockaddr_in, sin_port), &p,
		       sizeof(p));
	else if (sa->sa_family == AF_INET6)
		memcpy((char *)sa + offsetof(struct sockaddr_in6, sin6_port),
		       &p, sizeof(p));
}
