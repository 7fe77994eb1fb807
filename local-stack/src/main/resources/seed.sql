-- The local stack's tenant; safe to apply again. Doug supervises and administers it.
INSERT INTO tenants (id, name) VALUES ('acme', 'Acme') ON CONFLICT DO NOTHING;
INSERT INTO tenant_numbers (phone_number, tenant_id) VALUES ('+15005550006', 'acme') ON CONFLICT DO NOTHING;
INSERT INTO voip_users (tenant_id, id, name, roles)
VALUES ('acme', 'doug', 'Doug', '{agent,supervisor,admin}'), ('acme', 'rhonda', 'Rhonda', '{agent}')
    ON CONFLICT DO NOTHING;
