ALTER TABLE "pickups" DROP CONSTRAINT "pickups_town_code_towns_code_fk";
--> statement-breakpoint
ALTER TABLE "pickups" DROP CONSTRAINT "pickups_carrier_code_carriers_code_fk";
--> statement-breakpoint
ALTER TABLE "pickups" DROP CONSTRAINT "pickups_product_code_products_code_fk";
