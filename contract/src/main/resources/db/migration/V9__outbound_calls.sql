-- Agents place calls (`dial`). A tenant calls out from its number (the lowest of its numbers when it has several), to
-- the countries whose calling codes it lists here (1 for the North American plan, 44 for the United Kingdom, …); null:
-- only its number's own country. An outbound call is kept like any other: its id (OB…) tells its direction.
ALTER TABLE tenants ADD COLUMN dial_country_codes integer[];
