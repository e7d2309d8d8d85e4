CREATE TABLE `sync_documents` (
	`space` text NOT NULL,
	`id` text NOT NULL,
	`kind` text NOT NULL,
	`rev` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted` integer DEFAULT false NOT NULL,
	`ciphertext` text NOT NULL,
	`received_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`space`, `id`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sync_documents_space_rev_idx` ON `sync_documents` (`space`,`rev`);