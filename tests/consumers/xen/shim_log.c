/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stands for Xen's printk() and libxl's log: see shim_log.h.  Our code,
 * compiled with the project's strict flags.
 */
#include "shim_log.h"
#include "shim_domain.h"

#include <stdio.h>
#include <string.h>

unsigned int xen_shim_errors;

/*
 * Xen's vsnprintf, as far as the extracted code uses it: the C
 * conversions plus %pd.  Each conversion is handed to vsnprintf-free
 * snprintf with the argument fetched at its own type.
 */
static void format(char *out, size_t n, const char *fmt, va_list ap)
{
	size_t len = 0;

	out[0] = '\0';
	while (*fmt != '\0' && len + 1 < n) {
		char spec[32];
		size_t s = 0;
		int lng = 0;
		int w;

		if (*fmt != '%') {
			out[len++] = *fmt++;
			out[len] = '\0';
			continue;
		}
		spec[s++] = *fmt++;
		while (*fmt != '\0' && strchr("-+ #0123456789.", *fmt) &&
		       s < sizeof(spec) - 4)
			spec[s++] = *fmt++;
		while (*fmt == 'l' || *fmt == 'h' || *fmt == 'z') {
			if (*fmt == 'l')
				lng++;
			else if (*fmt == 'z')
				lng = 3;
			fmt++;
		}
		if (*fmt == '\0')
			break;
		if (*fmt == 'p' && fmt[1] == 'd') {
			const struct domain *d = va_arg(ap, const struct domain *);

			w = snprintf(out + len, n - len, "d%d", d->domain_id);
			fmt += 2;
		} else {
			char conv = *fmt++;

			spec[s++] = 'l';
			spec[s++] = 'l';
			spec[s++] = conv;
			spec[s] = '\0';
			switch (conv) {
			case 'd':
			case 'i':
				w = snprintf(out + len, n - len, spec,
					     lng == 0 ? (long long)va_arg(ap, int) :
					     lng == 3 ? (long long)va_arg(ap, long) :
					     lng == 1 ? (long long)va_arg(ap, long) :
					     va_arg(ap, long long));
				break;
			case 'u':
			case 'x':
			case 'X':
			case 'o':
				w = snprintf(out + len, n - len, spec,
					     lng == 0 ? (unsigned long long)va_arg(ap, unsigned int) :
					     lng == 3 ? (unsigned long long)va_arg(ap, size_t) :
					     lng == 1 ? (unsigned long long)va_arg(ap, unsigned long) :
					     va_arg(ap, unsigned long long));
				break;
			case 's':
				spec[s - 3] = 's';
				spec[s - 2] = '\0';
				w = snprintf(out + len, n - len, spec,
					     va_arg(ap, const char *));
				break;
			case 'c':
				w = snprintf(out + len, n - len, "%c",
					     va_arg(ap, int));
				break;
			case 'p':
				w = snprintf(out + len, n - len, "%p",
					     va_arg(ap, void *));
				break;
			default:
				w = snprintf(out + len, n - len, "%%%c", conv);
				break;
			}
		}
		if (w < 0)
			break;
		len += (size_t)w;
		if (len >= n)
			len = n - 1;
	}
}

void xen_shim_printk(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int err = 0;

	/* Xen's level tags: "<0>" XENLOG_ERR ... "<3>" XENLOG_DEBUG, "<G>". */
	while (fmt[0] == '<' && fmt[1] != '\0' && fmt[2] == '>') {
		if (fmt[1] == '0')
			err = 1;
		fmt += 3;
	}
	va_start(ap, fmt);
	format(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	buf[strcspn(buf, "\n")] = '\0';
	fprintf(stderr, "(XEN) %s%s\n", err ? "[ERR] " : "", buf);
	if (err)
		xen_shim_errors++;
}

void xen_shim_libxl_log(int level, const char *func, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (level == XEN_SHIM_LEVEL_ERROR)
		xen_shim_errors++;
	fprintf(stderr, "libxl: %s: %s: %s\n",
		level == XEN_SHIM_LEVEL_ERROR ? "error" : "debug", func, buf);
}
