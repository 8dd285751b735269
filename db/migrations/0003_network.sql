CREATE TABLE "coverage_targets" (
	"by" date PRIMARY KEY NOT NULL,
	"rate" numeric(5, 4) NOT NULL,
	"counts_proxy" boolean NOT NULL,
	"label" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text NOT NULL,
	CONSTRAINT "coverage_targets_rate_check" CHECK ("coverage_targets"."rate" > 0 AND "coverage_targets"."rate" <= 1)
);
--> statement-breakpoint
CREATE TABLE "service_point_versions" (
	"service_point_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"changed_at" timestamp with time zone NOT NULL,
	"changed_by" text NOT NULL,
	"change" text NOT NULL,
	"import_id" uuid,
	"record" jsonb NOT NULL,
	CONSTRAINT "service_point_versions_pkey" PRIMARY KEY("service_point_id","version")
);
--> statement-breakpoint
CREATE TABLE "service_point_villages" (
	"service_point_id" uuid NOT NULL,
	"village_id" uuid NOT NULL,
	CONSTRAINT "service_point_villages_pkey" PRIMARY KEY("service_point_id","village_id")
);
--> statement-breakpoint
CREATE TABLE "service_points" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"town_code" text,
	"mode" text NOT NULL,
	"upstream_id" uuid,
	"operator" text NOT NULL,
	"brands" text[] NOT NULL,
	"takes_outgoing" boolean NOT NULL,
	"opening_hours" text,
	"staff" integer,
	"video_monitoring" boolean DEFAULT false NOT NULL,
	"cold_chain" boolean DEFAULT false NOT NULL,
	"opened_on" date NOT NULL,
	"closed_on" date,
	"address" text,
	"contact" text,
	"notes" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" text NOT NULL,
	CONSTRAINT "service_points_code_key" UNIQUE("code"),
	CONSTRAINT "service_points_kind_check" CHECK ("service_points"."kind" in ('county_hub', 'town_node', 'village_station')),
	CONSTRAINT "service_points_mode_check" CHECK ("service_points"."mode" in ('own', 'courier_courier', 'postal_courier', 'courier_commerce', 'proxy')),
	CONSTRAINT "service_points_town_check" CHECK ("service_points"."kind" = 'county_hub' OR "service_points"."town_code" IS NOT NULL),
	CONSTRAINT "service_points_proxy_check" CHECK ("service_points"."mode" <> 'proxy' OR ("service_points"."kind" = 'village_station' AND "service_points"."upstream_id" IS NOT NULL)),
	CONSTRAINT "service_points_period_check" CHECK ("service_points"."closed_on" IS NULL OR "service_points"."closed_on" > "service_points"."opened_on"),
	CONSTRAINT "service_points_staff_check" CHECK ("service_points"."staff" IS NULL OR "service_points"."staff" >= 0),
	CONSTRAINT "service_points_brands_check" CHECK (cardinality("service_points"."brands") >= 1)
);
--> statement-breakpoint
CREATE TABLE "village_versions" (
	"village_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"changed_at" timestamp with time zone NOT NULL,
	"changed_by" text NOT NULL,
	"change" text NOT NULL,
	"import_id" uuid,
	"record" jsonb NOT NULL,
	CONSTRAINT "village_versions_pkey" PRIMARY KEY("village_id","version")
);
--> statement-breakpoint
CREATE TABLE "villages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"town_code" text NOT NULL,
	"name" text NOT NULL,
	"kind" text DEFAULT 'village' NOT NULL,
	"survey_status" text DEFAULT 'unsurveyed' NOT NULL,
	"surveyed_on" date,
	"dissolved_on" date,
	"notes" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" text NOT NULL,
	CONSTRAINT "villages_code_key" UNIQUE("code"),
	CONSTRAINT "villages_town_name_key" UNIQUE("town_code","name"),
	CONSTRAINT "villages_kind_check" CHECK ("villages"."kind" in ('village', 'community')),
	CONSTRAINT "villages_survey_check" CHECK ("villages"."survey_status" = 'unsurveyed' OR "villages"."surveyed_on" IS NOT NULL),
	CONSTRAINT "villages_survey_status_check" CHECK ("villages"."survey_status" in ('unsurveyed', 'confirmed_uncovered'))
);
--> statement-breakpoint
ALTER TABLE "service_point_versions" ADD CONSTRAINT "service_point_versions_service_point_id_service_points_id_fk" FOREIGN KEY ("service_point_id") REFERENCES "public"."service_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_point_villages" ADD CONSTRAINT "service_point_villages_service_point_id_service_points_id_fk" FOREIGN KEY ("service_point_id") REFERENCES "public"."service_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_point_villages" ADD CONSTRAINT "service_point_villages_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_points" ADD CONSTRAINT "service_points_town_code_towns_code_fk" FOREIGN KEY ("town_code") REFERENCES "public"."towns"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_points" ADD CONSTRAINT "service_points_upstream_id_service_points_id_fk" FOREIGN KEY ("upstream_id") REFERENCES "public"."service_points"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "village_versions" ADD CONSTRAINT "village_versions_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "public"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "villages" ADD CONSTRAINT "villages_town_code_towns_code_fk" FOREIGN KEY ("town_code") REFERENCES "public"."towns"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "service_point_villages_village_idx" ON "service_point_villages" USING btree ("village_id");--> statement-breakpoint
CREATE INDEX "service_points_town_idx" ON "service_points" USING btree ("town_code");--> statement-breakpoint
CREATE INDEX "villages_town_idx" ON "villages" USING btree ("town_code");