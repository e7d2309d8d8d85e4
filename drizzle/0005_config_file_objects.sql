CREATE TABLE `config_file_objects` (
	`kind` text NOT NULL,
	`object_id` text NOT NULL,
	`applied_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`kind`, `object_id`)
);
