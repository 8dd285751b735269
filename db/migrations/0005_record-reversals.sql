CREATE TABLE "packaging_run_reversals" (
	"packaging_run_id" uuid PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"reversed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reversed_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "storage_movement_reversals" (
	"storage_movement_id" uuid PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"reversed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reversed_by" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "packaging_run_reversals" ADD CONSTRAINT "packaging_run_reversals_packaging_run_id_packaging_runs_id_fk" FOREIGN KEY ("packaging_run_id") REFERENCES "public"."packaging_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "storage_movement_reversals" ADD CONSTRAINT "storage_movement_reversals_storage_movement_id_storage_movements_id_fk" FOREIGN KEY ("storage_movement_id") REFERENCES "public"."storage_movements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pickups_listing_idx" ON "pickups" USING btree ("picked_up_at","id");