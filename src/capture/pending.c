/* pending.c: weak stand-ins for pieces other engineers are still landing
 * (pipeline, sinks, simulator), so the live verbs link meanwhile. Each real
 * definition overrides its stand-in; this file goes once they are all on main. */
#include <stdlib.h>

#include "core/pipeline.h"
#include "sim/sim.h"
#include "write/sinks.h"

#define WEAK __attribute__((weak))

struct esp_pipeline { int unused; };
WEAK esp_pipeline *esp_pipeline_new(const esp_pipeline_opts *o) { (void)o; return calloc(1, sizeof(esp_pipeline)); }
WEAK void esp_pipeline_free(esp_pipeline *p) { free(p); }
WEAK void esp_pipeline_event(esp_pipeline *p, const esp_event *ev) { (void)p; (void)ev; }
WEAK void esp_pipeline_finish(esp_pipeline *p, uint64_t ts_ns) { (void)p; (void)ts_ns; }
WEAK const esp_summary *esp_pipeline_summary(const esp_pipeline *p) { (void)p; return NULL; }

struct esp_sinks { int unused; };
WEAK esp_status esp_sinks_open(const esp_sinks_opts *o, const esp_session_info *si, esp_sinks **out, esp_error *e)
{
	(void)o; (void)si; (void)e;
	*out = calloc(1, sizeof(esp_sinks));
	return ESP_OK;
}
WEAK void esp_sinks_unit(const esp_unit *u, void *s) { (void)u; (void)s; }
WEAK void esp_sinks_record(const esp_record *r, void *s) { (void)r; (void)s; }
WEAK void esp_sinks_tick(esp_sinks *s) { (void)s; }
WEAK esp_status esp_sinks_close(esp_sinks *s, const esp_summary *sum, esp_error *e) { (void)sum; (void)e; free(s); return ESP_OK; }

WEAK esp_status esp_sim_new(const esp_sim_opts *o, esp_sim **out, esp_error *e)
{
	(void)o; (void)out;
	return esp_error_set(e, ESP_E_USAGE, "sim", ESP_LOC_NONE, 0, 0, "the simulator is not built yet");
}
WEAK void esp_sim_free(esp_sim *s) { (void)s; }
WEAK void esp_sim_rx(esp_sim *s, uint64_t t, const uint8_t *p, size_t n, uint32_t b) { (void)s; (void)t; (void)p; (void)n; (void)b; }
WEAK void esp_sim_lines(esp_sim *s, uint64_t t, bool d, bool r) { (void)s; (void)t; (void)d; (void)r; }
WEAK void esp_sim_break(esp_sim *s, uint64_t t) { (void)s; (void)t; }
WEAK uint64_t esp_sim_poll(esp_sim *s, uint64_t t) { (void)s; (void)t; return UINT64_MAX; }
