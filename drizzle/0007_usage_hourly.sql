CREATE TABLE `usage_hourly` (
	`hour` integer NOT NULL,
	`key_id` text DEFAULT '' NOT NULL,
	`provider` text DEFAULT '' NOT NULL,
	`model` text NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`cache_read_tokens` integer DEFAULT 0 NOT NULL,
	`cache_write_tokens` integer DEFAULT 0 NOT NULL,
	`reasoning_tokens` integer DEFAULT 0 NOT NULL,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`errors` integer DEFAULT 0 NOT NULL,
	`cache_hits` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `usage_hourly_hour_key_provider_model_idx` ON `usage_hourly` (`hour`,`key_id`,`provider`,`model`);--> statement-breakpoint
-- Backfill: the rows already folded into usage_daily (id <= usage.rolledUpTo) and still kept raw (ts >= usage.rawFrom)
-- are folded into hours too; the rows above the watermark are folded into both by the next rollup.
INSERT INTO `usage_hourly` (`hour`, `key_id`, `provider`, `model`, `requests`, `input_tokens`, `output_tokens`,
  `cache_read_tokens`, `cache_write_tokens`, `reasoning_tokens`, `cost_usd`, `errors`, `cache_hits`)
SELECT (`ts` / 3600000) * 3600000, coalesce(`key_id`, ''), coalesce(`provider`, ''), coalesce(`model_served`, `model_requested`),
  count(*), sum(`input_tokens`), sum(`output_tokens`), sum(`cache_read_tokens`), sum(`cache_write_tokens`),
  sum(`reasoning_tokens`), sum(`cost_usd`), sum(`status` >= 400), sum(`cache` IS 'hit')
FROM `usage_log`
WHERE `id` <= coalesce((SELECT CAST(`value` AS INTEGER) FROM `settings` WHERE `key` = 'usage.rolledUpTo'), 0)
  AND `ts` >= coalesce((SELECT CAST(`value` AS INTEGER) FROM `settings` WHERE `key` = 'usage.rawFrom'), 0)
GROUP BY 1, 2, 3, 4;
