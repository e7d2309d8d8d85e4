PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_usage_log` (
	`id` integer PRIMARY KEY NOT NULL,
	`ts` integer NOT NULL,
	`request_id` text NOT NULL,
	`key_id` text,
	`endpoint` text NOT NULL,
	`provider` text,
	`connection_id` text,
	`model_requested` text NOT NULL,
	`model_served` text,
	`combo` text,
	`attempt` integer DEFAULT 1 NOT NULL,
	`stream` integer DEFAULT false NOT NULL,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`cache_read_tokens` integer DEFAULT 0 NOT NULL,
	`cache_write_tokens` integer DEFAULT 0 NOT NULL,
	`reasoning_tokens` integer DEFAULT 0 NOT NULL,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`latency_ms` integer DEFAULT 0 NOT NULL,
	`ttft_ms` integer,
	`status` integer NOT NULL,
	`error_class` text,
	`cache` text
);
--> statement-breakpoint
INSERT INTO `__new_usage_log`("id", "ts", "request_id", "key_id", "endpoint", "provider", "connection_id", "model_requested", "model_served", "combo", "attempt", "stream", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens", "cost_usd", "latency_ms", "ttft_ms", "status", "error_class", "cache") SELECT "id", "ts", "request_id", "key_id", "endpoint", "provider", "connection_id", "model_requested", "model_served", "combo", "attempt", "stream", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens", "cost_usd", "latency_ms", "ttft_ms", "status", "error_class", "cache" FROM `usage_log`;--> statement-breakpoint
DROP TABLE `usage_log`;--> statement-breakpoint
ALTER TABLE `__new_usage_log` RENAME TO `usage_log`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `usage_log_ts_idx` ON `usage_log` (`ts`);--> statement-breakpoint
CREATE INDEX `usage_log_key_ts_idx` ON `usage_log` (`key_id`,`ts`);--> statement-breakpoint
-- Without AUTOINCREMENT a new row takes max(id) + 1. Rows above max(id) that were rolled up and pruned must not
-- leave the watermark above it, or the next rows would count as already rolled up.
UPDATE `settings` SET `value` = (SELECT CAST(coalesce(max(`id`), 0) AS TEXT) FROM `usage_log`)
WHERE `key` = 'usage.rolledUpTo' AND CAST(`value` AS INTEGER) > (SELECT coalesce(max(`id`), 0) FROM `usage_log`);
