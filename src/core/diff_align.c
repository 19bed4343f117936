/* diff_align.c: two step sequences aligned: common head and tail, Myers on the rest (bounded), change hunks diff_paired. */
#include "core/diff_int.h"

#include <stdlib.h>

/* Myers' O((N+M)D) shortest edit script over step keys, keeping each round's
 * furthest-reaching x per diagonal (round d holds 2d+1 values) for the walk
 * back. Returns the number of diff_pairs written to out (room for n+m), or -1 when
 * the edit distance passes max_d or memory runs out. */
static long myers(const uint64_t *ka, int n, const uint64_t *kb, int m, int max_d, diff_pair *out)
{
	int32_t *trace = NULL;
	size_t tcap = 0;
	int found = -1;
	for (int d = 0; d <= max_d && found < 0; d++) {
		size_t need = (size_t)(d + 1) * (size_t)(d + 1);
		if (need > tcap) {
			size_t nc = tcap ? tcap * 2 : 256;
			while (nc < need)
				nc *= 2;
			int32_t *nt = realloc(trace, nc * sizeof *nt);
			if (!nt) {
				free(trace);
				return -1;
			}
			trace = nt;
			tcap = nc;
		}
		int32_t *cur = trace + (size_t)d * (size_t)d;
		const int32_t *prev = d ? trace + (size_t)(d - 1) * (size_t)(d - 1) : NULL;
		for (int k = -d; k <= d; k += 2) {
			int x;
			if (d == 0)
				x = 0;
			else if (k == -d || (k != d && prev[k - 1 + d - 1] < prev[k + 1 + d - 1]))
				x = prev[k + 1 + d - 1]; /* down: an insertion from b */
			else
				x = prev[k - 1 + d - 1] + 1; /* right: a deletion from a */
			int y = x - k;
			while (x < n && y < m && ka[x] == kb[y])
				x++, y++;
			cur[k + d] = x;
			if (x >= n && y >= m) {
				found = d;
				break;
			}
		}
	}
	if (found < 0) {
		free(trace);
		return -1;
	}
	long len = 0;
	int x = n, y = m;
	for (int d = found; d > 0; d--) {
		const int32_t *prev = trace + (size_t)(d - 1) * (size_t)(d - 1);
		int k = x - y;
		bool down = k == -d || (k != d && prev[k - 1 + d - 1] < prev[k + 1 + d - 1]);
		int pk = down ? k + 1 : k - 1;
		int px = prev[pk + d - 1], py = px - pk;
		int mx = down ? px : px + 1, my = down ? py + 1 : py;
		while (x > mx && y > my) {
			x--, y--;
			out[len++] = (diff_pair){x, y};
		}
		out[len++] = down ? (diff_pair){-1, py} : (diff_pair){px, -1};
		x = px, y = py;
	}
	while (x > 0 && y > 0) {
		x--, y--;
		out[len++] = (diff_pair){x, y};
	}
	free(trace);
	for (long i = 0; i < len / 2; i++) {
		diff_pair t = out[i];
		out[i] = out[len - 1 - i];
		out[len - 1 - i] = t;
	}
	return len;
}

/* Within each stretch of unmatched steps between two matches, pair the steps
 * that share a loose key (the same op at another offset), in order, so that
 * they are compared rather than listed as one-sided. In place; returns the
 * new length, or 0 on out of memory. */
static size_t pair_hunks(const esp_diff_side *A, const esp_diff_side *B, diff_pair *p, size_t np)
{
	int32_t *da = malloc((np + 1) * sizeof *da), *ib = malloc((np + 1) * sizeof *ib);
	if (!da || !ib) {
		free(da), free(ib);
		return 0;
	}
	size_t w = 0;
	for (size_t i = 0; i < np;) {
		if (p[i].a >= 0 && p[i].b >= 0) {
			p[w++] = p[i++];
			continue;
		}
		size_t nd = 0, ni = 0;
		for (; i < np && (p[i].a < 0 || p[i].b < 0); i++) {
			if (p[i].a >= 0)
				da[nd++] = p[i].a;
			else
				ib[ni++] = p[i].b;
		}
		size_t from = 0;
		for (size_t d = 0; d < nd; d++) {
			uint64_t k = esp_diff_step_loose_key(&A->steps[da[d]]);
			size_t j = from;
			while (j < ni && esp_diff_step_loose_key(&B->steps[ib[j]]) != k)
				j++;
			if (j == ni) {
				p[w++] = (diff_pair){da[d], -1};
				continue;
			}
			while (from < j)
				p[w++] = (diff_pair){-1, ib[from++]};
			p[w++] = (diff_pair){da[d], ib[from++]};
		}
		while (from < ni)
			p[w++] = (diff_pair){-1, ib[from++]};
	}
	free(da), free(ib);
	return w;
}

/* The whole alignment: common head and tail first (the usual case is two
 * nearly equal sessions), Myers on the middle, position by position if the
 * middle is too different. */
diff_pair *esp_diff_align(const esp_diff_side *A, const esp_diff_side *B, size_t *np, bool *gave_up)
{
	size_t n = A->n, m = B->n;
	diff_pair *out = malloc((n + m + 1) * sizeof *out);
	uint64_t *ka = malloc((n + 1) * sizeof *ka), *kb = malloc((m + 1) * sizeof *kb);
	if (!out || !ka || !kb) {
		free(out), free(ka), free(kb);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		ka[i] = esp_diff_step_key(&A->steps[i]);
	for (size_t j = 0; j < m; j++)
		kb[j] = esp_diff_step_key(&B->steps[j]);
	size_t head = 0, tail = 0, len = 0;
	while (head < n && head < m && ka[head] == kb[head])
		head++;
	while (tail < n - head && tail < m - head && ka[n - 1 - tail] == kb[m - 1 - tail])
		tail++;
	for (size_t i = 0; i < head; i++)
		out[len++] = (diff_pair){(int32_t)i, (int32_t)i};
	int mn = (int)(n - head - tail), mm = (int)(m - head - tail);
	long k = myers(ka + head, mn, kb + head, mm, ESP_DIFF_MAX_EDITS, out + len);
	if (k >= 0) {
		for (long i = 0; i < k; i++) {
			if (out[len + (size_t)i].a >= 0)
				out[len + (size_t)i].a += (int32_t)head;
			if (out[len + (size_t)i].b >= 0)
				out[len + (size_t)i].b += (int32_t)head;
		}
		len += (size_t)k;
	} else {
		*gave_up = true;
		for (int i = 0; i < mn || i < mm; i++) {
			int32_t a = i < mn ? (int32_t)(head + (size_t)i) : -1, b = i < mm ? (int32_t)(head + (size_t)i) : -1;
			if (a >= 0 && b >= 0 && ka[a] != kb[b]) {
				out[len++] = (diff_pair){a, -1};
				out[len++] = (diff_pair){-1, b};
			} else {
				out[len++] = (diff_pair){a, b};
			}
		}
	}
	for (size_t i = 0; i < tail; i++)
		out[len++] = (diff_pair){(int32_t)(n - tail + i), (int32_t)(m - tail + i)};
	free(ka), free(kb);
	*np = pair_hunks(A, B, out, len);
	if (!*np && len) {
		free(out);
		return NULL;
	}
	return out;
}

