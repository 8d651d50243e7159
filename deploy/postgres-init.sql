-- One database per service: no service reads another's tables.
-- Each has two roles: <service>_owner owns the database and runs the migrations; <service>_app is
-- what the service runs as. It owns nothing, so it cannot alter, drop or truncate a table or disable
-- a trigger; `migrate` grants it row rights only (SELECT and INSERT on the audit log).
-- The passwords are for a local compose stack; a deployment sets its own.
CREATE ROLE registry_owner LOGIN PASSWORD 'registry_owner';
CREATE ROLE registry_app LOGIN PASSWORD 'registry_app';
CREATE DATABASE registry OWNER registry_owner;

CREATE ROLE training_owner LOGIN PASSWORD 'training_owner';
CREATE ROLE training_app LOGIN PASSWORD 'training_app';
CREATE DATABASE training OWNER training_owner;

CREATE ROLE funding_owner LOGIN PASSWORD 'funding_owner';
CREATE ROLE funding_app LOGIN PASSWORD 'funding_app';
CREATE DATABASE funding OWNER funding_owner;

CREATE ROLE notify_owner LOGIN PASSWORD 'notify_owner';
CREATE ROLE notify_app LOGIN PASSWORD 'notify_app';
CREATE DATABASE notify OWNER notify_owner;

CREATE ROLE gateway_owner LOGIN PASSWORD 'gateway_owner';
CREATE ROLE gateway_app LOGIN PASSWORD 'gateway_app';
CREATE DATABASE gateway OWNER gateway_owner;
