-- One database per service: no service reads another's tables.
CREATE DATABASE registry;
CREATE DATABASE training;
CREATE DATABASE funding;
CREATE DATABASE notify;
CREATE DATABASE gateway;
