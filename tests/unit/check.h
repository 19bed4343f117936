/* check.h: the tiny test harness every C test uses. A failing check prints
 * file:line and the values; CHECK_DONE(n) prints "N passed, N failed" and
 * fails the program if any check failed or fewer than n checks ran. */
#ifndef ESPTAP_TESTS_CHECK_H
#define ESPTAP_TESTS_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_pass, check_fail;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (cond)                                                                          \
			check_pass++;                                                              \
		else {                                                                             \
			check_fail++;                                                              \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
		}                                                                                  \
	} while (0)

#define CHECK_EQ_U(a, b)                                                                           \
	do {                                                                                       \
		uint64_t va_ = (uint64_t)(a), vb_ = (uint64_t)(b);                                 \
		if (va_ == vb_)                                                                    \
			check_pass++;                                                              \
		else {                                                                             \
			check_fail++;                                                              \
			fprintf(stderr, "%s:%d: %s == %s: got %" PRIu64 " (0x%" PRIx64 "), want %" PRIu64 \
				" (0x%" PRIx64 ")\n", __FILE__, __LINE__, #a, #b, va_, va_, vb_, vb_);     \
		}                                                                                  \
	} while (0)

#define CHECK_EQ_S(a, b)                                                                           \
	do {                                                                                       \
		const char *sa_ = (a), *sb_ = (b);                                                 \
		if (sa_ && sb_ && strcmp(sa_, sb_) == 0)                                           \
			check_pass++;                                                              \
		else {                                                                             \
			check_fail++;                                                              \
			fprintf(stderr, "%s:%d: %s == %s: got \"%s\", want \"%s\"\n", __FILE__,    \
				__LINE__, #a, #b, sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");      \
		}                                                                                  \
	} while (0)

#define CHECK_MEM(a, b, n)                                                                         \
	do {                                                                                       \
		if (memcmp((a), (b), (n)) == 0)                                                    \
			check_pass++;                                                              \
		else {                                                                             \
			check_fail++;                                                              \
			fprintf(stderr, "%s:%d: %s and %s differ in %zu bytes\n", __FILE__,        \
				__LINE__, #a, #b, (size_t)(n));                                    \
		}                                                                                  \
	} while (0)

/* At least `min_checks` must have run: a test that silently skipped fails. */
#define CHECK_DONE(min_checks)                                                                     \
	do {                                                                                       \
		printf("%d passed, %d failed\n", check_pass, check_fail);                          \
		if (check_pass + check_fail < (min_checks)) {                                      \
			fprintf(stderr, "only %d checks ran, expected at least %d\n",              \
				check_pass + check_fail, (min_checks));                            \
			return 1;                                                                  \
		}                                                                                  \
		return check_fail ? 1 : 0;                                                         \
	} while (0)

#endif
