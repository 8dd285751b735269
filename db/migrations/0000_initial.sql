CREATE TABLE "carriers" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"name_en" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "products" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"name_en" text NOT NULL,
	"tier" text NOT NULL,
	"target_parcels" bigint NOT NULL,
	"varieties" jsonb NOT NULL,
	"packages" jsonb NOT NULL,
	"season_start" text NOT NULL,
	"season_end" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "project_tiers" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"min_parcels_per_year" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "towns" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"name_en" text NOT NULL,
	"kind" text NOT NULL,
	"village_count" integer NOT NULL,
	"village_count_sourced" boolean NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cooperatives" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"town_code" text NOT NULL,
	"village" text,
	"contact" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	CONSTRAINT "cooperatives_town_name_key" UNIQUE("town_code","name")
);
--> statement-breakpoint
CREATE TABLE "storage_facilities" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"town_code" text NOT NULL,
	"kind" text NOT NULL,
	"capacity_kg" numeric(14, 3),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	CONSTRAINT "storage_facilities_town_name_key" UNIQUE("town_code","name"),
	CONSTRAINT "storage_facilities_kind_check" CHECK ("storage_facilities"."kind" in ('cold', 'ca', 'ambient'))
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"name_en" text,
	"product_code" text NOT NULL,
	"tier" text NOT NULL,
	"target_parcels" bigint NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"town_code" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	CONSTRAINT "projects_code_key" UNIQUE("code"),
	CONSTRAINT "projects_period_check" CHECK ("projects"."ends_on" >= "projects"."starts_on"),
	CONSTRAINT "projects_target_check" CHECK ("projects"."target_parcels" > 0)
);
--> statement-breakpoint
CREATE TABLE "carrier_volume_revisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"carrier_code" text NOT NULL,
	"town_code" text NOT NULL,
	"product_code" text NOT NULL,
	"business_date" date NOT NULL,
	"revision" integer NOT NULL,
	"parcels" integer NOT NULL,
	"reported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reported_by" text NOT NULL,
	CONSTRAINT "carrier_volume_revisions_cell_revision_key" UNIQUE("product_code","business_date","town_code","carrier_code","revision"),
	CONSTRAINT "carrier_volume_revisions_parcels_check" CHECK ("carrier_volume_revisions"."parcels" >= 0)
);
--> statement-breakpoint
CREATE TABLE "packaging_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"cooperative_id" uuid NOT NULL,
	"product_code" text NOT NULL,
	"package_type" text NOT NULL,
	"parcels" integer NOT NULL,
	"fruit_kg" numeric(14, 3) NOT NULL,
	"packed_at" timestamp with time zone NOT NULL,
	"business_date" date NOT NULL,
	"request_hash" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"recorded_by" text NOT NULL,
	CONSTRAINT "packaging_runs_parcels_check" CHECK ("packaging_runs"."parcels" > 0)
);
--> statement-breakpoint
CREATE TABLE "pickup_reversals" (
	"pickup_id" uuid PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"reversed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reversed_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pickups" (
	"id" uuid PRIMARY KEY NOT NULL,
	"cooperative_id" uuid NOT NULL,
	"town_code" text NOT NULL,
	"village" text,
	"carrier_code" text NOT NULL,
	"product_code" text NOT NULL,
	"variety" text,
	"parcels" integer NOT NULL,
	"weight_kg" numeric(14, 3),
	"picked_up_at" timestamp with time zone NOT NULL,
	"business_date" date NOT NULL,
	"request_hash" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"recorded_by" text NOT NULL,
	CONSTRAINT "pickups_parcels_check" CHECK ("pickups"."parcels" > 0)
);
--> statement-breakpoint
CREATE TABLE "storage_movements" (
	"id" uuid PRIMARY KEY NOT NULL,
	"facility_id" uuid NOT NULL,
	"product_code" text NOT NULL,
	"direction" text NOT NULL,
	"weight_kg" numeric(14, 3) NOT NULL,
	"lot" text,
	"moved_at" timestamp with time zone NOT NULL,
	"business_date" date NOT NULL,
	"request_hash" text NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"recorded_by" text NOT NULL,
	CONSTRAINT "storage_movements_direction_check" CHECK ("storage_movements"."direction" in ('in', 'out')),
	CONSTRAINT "storage_movements_weight_check" CHECK ("storage_movements"."weight_kg" > 0)
);
--> statement-breakpoint
CREATE TABLE "project_rollups" (
	"project_id" uuid NOT NULL,
	"dim" text NOT NULL,
	"key" text NOT NULL,
	"slot" smallint NOT NULL,
	"confirmed" bigint DEFAULT 0 NOT NULL,
	"provisional" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "project_rollups_pkey" PRIMARY KEY("project_id","dim","key","slot")
);
--> statement-breakpoint
CREATE TABLE "storage_stock" (
	"facility_id" uuid NOT NULL,
	"product_code" text NOT NULL,
	"weight_kg" numeric(14, 3) DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "storage_stock_pkey" PRIMARY KEY("facility_id","product_code"),
	CONSTRAINT "storage_stock_nonnegative_check" CHECK ("storage_stock"."weight_kg" >= 0)
);
--> statement-breakpoint
CREATE TABLE "volume_cells" (
	"product_code" text NOT NULL,
	"business_date" date NOT NULL,
	"town_code" text NOT NULL,
	"carrier_code" text NOT NULL,
	"logged_parcels" bigint DEFAULT 0 NOT NULL,
	"reported_parcels" bigint,
	"revision" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "volume_cells_pkey" PRIMARY KEY("product_code","business_date","town_code","carrier_code"),
	CONSTRAINT "volume_cells_logged_check" CHECK ("volume_cells"."logged_parcels" >= 0)
);
--> statement-breakpoint
ALTER TABLE "cooperatives" ADD CONSTRAINT "cooperatives_town_code_towns_code_fk" FOREIGN KEY ("town_code") REFERENCES "public"."towns"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "storage_facilities" ADD CONSTRAINT "storage_facilities_town_code_towns_code_fk" FOREIGN KEY ("town_code") REFERENCES "public"."towns"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_product_code_products_code_fk" FOREIGN KEY ("product_code") REFERENCES "public"."products"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_tier_project_tiers_code_fk" FOREIGN KEY ("tier") REFERENCES "public"."project_tiers"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_town_code_towns_code_fk" FOREIGN KEY ("town_code") REFERENCES "public"."towns"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "carrier_volume_revisions" ADD CONSTRAINT "carrier_volume_revisions_carrier_code_carriers_code_fk" FOREIGN KEY ("carrier_code") REFERENCES "public"."carriers"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "carrier_volume_revisions" ADD CONSTRAINT "carrier_volume_revisions_town_code_towns_code_fk" FOREIGN KEY ("town_code") REFERENCES "public"."towns"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "carrier_volume_revisions" ADD CONSTRAINT "carrier_volume_revisions_product_code_products_code_fk" FOREIGN KEY ("product_code") REFERENCES "public"."products"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "packaging_runs" ADD CONSTRAINT "packaging_runs_cooperative_id_cooperatives_id_fk" FOREIGN KEY ("cooperative_id") REFERENCES "public"."cooperatives"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "packaging_runs" ADD CONSTRAINT "packaging_runs_product_code_products_code_fk" FOREIGN KEY ("product_code") REFERENCES "public"."products"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pickup_reversals" ADD CONSTRAINT "pickup_reversals_pickup_id_pickups_id_fk" FOREIGN KEY ("pickup_id") REFERENCES "public"."pickups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pickups" ADD CONSTRAINT "pickups_cooperative_id_cooperatives_id_fk" FOREIGN KEY ("cooperative_id") REFERENCES "public"."cooperatives"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pickups" ADD CONSTRAINT "pickups_town_code_towns_code_fk" FOREIGN KEY ("town_code") REFERENCES "public"."towns"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pickups" ADD CONSTRAINT "pickups_carrier_code_carriers_code_fk" FOREIGN KEY ("carrier_code") REFERENCES "public"."carriers"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pickups" ADD CONSTRAINT "pickups_product_code_products_code_fk" FOREIGN KEY ("product_code") REFERENCES "public"."products"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "storage_movements" ADD CONSTRAINT "storage_movements_facility_id_storage_facilities_id_fk" FOREIGN KEY ("facility_id") REFERENCES "public"."storage_facilities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "storage_movements" ADD CONSTRAINT "storage_movements_product_code_products_code_fk" FOREIGN KEY ("product_code") REFERENCES "public"."products"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_rollups" ADD CONSTRAINT "project_rollups_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "storage_stock" ADD CONSTRAINT "storage_stock_facility_id_storage_facilities_id_fk" FOREIGN KEY ("facility_id") REFERENCES "public"."storage_facilities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "storage_stock" ADD CONSTRAINT "storage_stock_product_code_products_code_fk" FOREIGN KEY ("product_code") REFERENCES "public"."products"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volume_cells" ADD CONSTRAINT "volume_cells_product_code_products_code_fk" FOREIGN KEY ("product_code") REFERENCES "public"."products"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volume_cells" ADD CONSTRAINT "volume_cells_town_code_towns_code_fk" FOREIGN KEY ("town_code") REFERENCES "public"."towns"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "volume_cells" ADD CONSTRAINT "volume_cells_carrier_code_carriers_code_fk" FOREIGN KEY ("carrier_code") REFERENCES "public"."carriers"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "projects_product_period_idx" ON "projects" USING btree ("product_code","starts_on","ends_on");--> statement-breakpoint
CREATE INDEX "packaging_runs_cooperative_idx" ON "packaging_runs" USING btree ("cooperative_id","business_date");--> statement-breakpoint
CREATE INDEX "pickups_cell_idx" ON "pickups" USING btree ("product_code","business_date","town_code","carrier_code");--> statement-breakpoint
CREATE INDEX "pickups_cooperative_idx" ON "pickups" USING btree ("cooperative_id","business_date");--> statement-breakpoint
CREATE INDEX "storage_movements_facility_idx" ON "storage_movements" USING btree ("facility_id","product_code");