/* diffout.c: the text and JSON views of a session diff. */
#include "write/diffout.h"

#include <jansson.h>

#define C_RESET "\033[0m"
#define C_RED "\033[1;31m"
#define C_YELLOW "\033[33m"
#define C_GREEN "\033[32m"
#define C_DIM "\033[2m"

static void side_line(FILE *f, const char *tag, const esp_diffout_side *s)
{
	fprintf(f, "%s: %s (%s", tag, s->source, s->format ? s->format : "?");
	if (s->flasher)
		fprintf(f, ", %s", s->flasher);
	fprintf(f, ", %s, %llu commands in %zu steps%s%s)\n", s->chip ? s->chip : "chip unknown",
		(unsigned long long)s->commands, s->steps, s->capped ? ", capped" : "",
		s->truncated ? ", cut short" : "");
}

static void frame_col(FILE *f, uint64_t fr)
{
	if (fr)
		fprintf(f, " %7llu", (unsigned long long)fr);
	else
		fprintf(f, " %7s", "-");
}

void esp_diffout_text(FILE *f, const esp_diffout_side *a, const esp_diffout_side *b, const esp_diff_result *r,
		      bool colour)
{
	side_line(f, "A", a);
	side_line(f, "B", b);
	if (r->n_items)
		fprintf(f, "%-7s %7s %7s  %s\n", "level", "A frame", "B frame", "difference");
	for (size_t i = 0; i < r->n_items; i++) {
		const esp_diff_item *it = &r->items[i];
		const char *c = it->level == ESP_DIFF_ERROR ? C_RED : it->level == ESP_DIFF_WARNING ? C_YELLOW : C_DIM;
		fprintf(f, "%s%-7s", colour ? c : "", esp_diff_level_name(it->level));
		frame_col(f, it->a_frame);
		frame_col(f, it->b_frame);
		fprintf(f, "  %s%s\n", it->text, colour ? C_RESET : "");
	}
	size_t shown = r->n_items, total = r->counts[0] + r->counts[1] + r->counts[2];
	if (total > shown)
		fprintf(f, "... %zu more differences not listed\n", total - shown);
	if (r->gave_up)
		fprintf(f, "-- too different to align past the common start and end: compared step by step\n");
	bool differ = r->counts[ESP_DIFF_ERROR] || r->counts[ESP_DIFF_WARNING];
	fprintf(f, "%s-- %s: %zu errors, %zu warnings, %zu info; %zu of %zu/%zu steps aligned", colour ?
		(differ ? C_RED : C_GREEN) : "", differ ? "sessions differ" : "sessions match",
		r->counts[ESP_DIFF_ERROR], r->counts[ESP_DIFF_WARNING], r->counts[ESP_DIFF_INFO], r->matched,
		r->steps_a, r->steps_b);
	if (r->first)
		fprintf(f, "; first divergence at A frame %llu, B frame %llu", (unsigned long long)r->first->a_frame,
			(unsigned long long)r->first->b_frame);
	fprintf(f, "%s\n", colour ? C_RESET : "");
}

static json_t *str_or_null(const char *s) { return s && *s ? json_string(s) : json_null(); }
static json_t *frame_or_null(uint64_t f) { return f ? json_integer((json_int_t)f) : json_null(); }

static json_t *side_json(const esp_diffout_side *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "source", str_or_null(s->source));
	json_object_set_new(o, "format", str_or_null(s->format));
	json_object_set_new(o, "flasher", str_or_null(s->flasher));
	json_object_set_new(o, "chip", str_or_null(s->chip));
	json_object_set_new(o, "commands", json_integer((json_int_t)s->commands));
	json_object_set_new(o, "steps", json_integer((json_int_t)s->steps));
	json_object_set_new(o, "capped", json_boolean(s->capped));
	json_object_set_new(o, "truncated", json_boolean(s->truncated));
	return o;
}

int esp_diffout_json(FILE *f, const esp_diffout_side *a, const esp_diffout_side *b, const esp_diff_result *r)
{
	json_t *o = json_object();
	if (!o)
		return -1;
	json_object_set_new(o, "a", side_json(a));
	json_object_set_new(o, "b", side_json(b));
	json_object_set_new(o, "match", json_boolean(!r->counts[ESP_DIFF_ERROR] && !r->counts[ESP_DIFF_WARNING]));
	json_object_set_new(o, "errors", json_integer((json_int_t)r->counts[ESP_DIFF_ERROR]));
	json_object_set_new(o, "warnings", json_integer((json_int_t)r->counts[ESP_DIFF_WARNING]));
	json_object_set_new(o, "info", json_integer((json_int_t)r->counts[ESP_DIFF_INFO]));
	json_object_set_new(o, "aligned", json_integer((json_int_t)r->matched));
	json_object_set_new(o, "gave_up", json_boolean(r->gave_up));
	json_t *first = json_null();
	if (r->first) {
		first = json_object();
		json_object_set_new(first, "a_frame", frame_or_null(r->first->a_frame));
		json_object_set_new(first, "b_frame", frame_or_null(r->first->b_frame));
		json_object_set_new(first, "text", json_string(r->first->text));
	}
	json_object_set_new(o, "first", first);
	json_t *arr = json_array();
	for (size_t i = 0; i < r->n_items; i++) {
		const esp_diff_item *it = &r->items[i];
		json_t *d = json_object();
		json_object_set_new(d, "level", json_string(esp_diff_level_name(it->level)));
		json_object_set_new(d, "kind", json_string(it->kind));
		json_object_set_new(d, "what", json_string(it->what));
		json_object_set_new(d, "field", str_or_null(it->field));
		json_object_set_new(d, "a", str_or_null(it->a));
		json_object_set_new(d, "b", str_or_null(it->b));
		json_object_set_new(d, "a_frame", frame_or_null(it->a_frame));
		json_object_set_new(d, "b_frame", frame_or_null(it->b_frame));
		json_object_set_new(d, "text", json_string(it->text));
		json_array_append_new(arr, d);
	}
	json_object_set_new(o, "differences", arr);
	int rc = json_dumpf(o, f, JSON_PRESERVE_ORDER | JSON_COMPACT);
	json_decref(o);
	if (rc == 0 && fputc('\n', f) == EOF)
		rc = -1;
	return rc;
}
