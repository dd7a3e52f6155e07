"""Extra templates for business applications, so their domain words are not a shortcut to 'business'.

A shop writes far more than order events: it starts, reloads config, migrates tables, times out and
rejects logins, all while naming orders, carts and payments. These lines are merged into the sources
of the same name by :mod:`nlp.corpusgen`.
"""

from __future__ import annotations

import logging

__all__ = ["SUPPLEMENT"]

logger = logging.getLogger(__name__)

SUPPLEMENT: dict[str, dict[str, list[str]]] = {
    "shop-checkout": {
        "general": [
            "OrderService initialised with {n} handlers",
            "Flyway: migrating schema `shop` to version {few}.{n} - add order notes column",
            "Consumer group checkout-events rebalanced, assigned partitions [{part}, {part}]",
            "Cart service health check OK (db=up, redis=up)",
            "Order status webhook endpoint registered at {urlpath}",
            "Deprecated field 'order.shippingCost' still used by mobile client {version}",
            "NullPointerException in OrderMapper.toDto: order.customer is null",
            "Unable to parse order event payload: unexpected token at position {n}",
            "Checkout page template cache cleared",
            "Connection to cart-redis {ip}:6379 lost, reconnecting",
            "Order archive job started for orders older than 2 years",
            "Received SIGTERM, draining checkout requests",
            "Config key checkout.max_items not set, using default {n}",
        ],
        "business": [
            "{qty} items purchased by customer {customer}; order {order} awaiting payment",
            "customer={customer} action=purchase sku={sku} price={amount} currency={cur}",
            'Sold {qty} units of "{product}" today, revenue {amount} {cur}',
            'Pre-order {order} reserved for launch of "{product}"',
            "Order {order} marked as fraud-free and released for fulfilment",
            "Customer {customer} requested invoice copy for order {order}",
            "Free shipping threshold reached on cart {hex} ({amount} {cur})",
            "Order {order} delivered to {city}; review request scheduled",
            "Daily sales report: {int} orders, gross revenue {amount} {cur}, average basket {amount} {cur}",
            "Exchange created for order {order}: size M -> L",
            "Back-in-stock alert signed up by {email} for {sku}",
            "Bundle discount granted on order {order}: buy 2 get 1 free",
        ],
        "performance": [
            "Order placement latency p95 {ms}ms exceeds SLO of 500ms",
            "Checkout DB pool exhausted: {n} threads waiting for a connection",
            "Order confirmation queue lag {int} messages ({min} minutes behind)",
            "Cart service using {pct}% of heap after full GC",
        ],
        "security": [
            "Order history access denied: customer {customer} tried to read order {order} of another account",
            "Checkout blocked: payment page loaded over insecure HTTP",
            "Admin panel login for {user} rejected: IP {ip} not allowlisted",
        ],
    },
    "payment-gateway": {
        "general": [
            "PaymentController mapped to {urlpath}",
            "Loaded {n} payment provider plugins",
            "Card network maintenance window announced for 03:00 UTC, no action required",
            "Payment events topic {topic} created with {few} partitions",
            "Deserialization error for webhook body: missing field 'amount'",
            "Acquirer connection pool initialised ({n} connections)",
            "Retrying webhook delivery #{few} to merchant endpoint after HTTP 502",
            "PaymentIntent schema upgraded to v{few}",
        ],
        "performance": [
            "Payment authorisation latency p99 {ms}ms (target 800ms)",
            "Capture worker backlog {int} jobs, processing {n}/s",
            "Card vault lookups slow: {ms}ms average over 5 minutes",
        ],
        "security": [
            "Tokenization key rotated; previous key scheduled for destruction",
            "Merchant {int} API request rejected: IP {ip} not in allowlist",
            "Card data detected in log payload and redacted (PCI)",
        ],
    },
    "subscription-billing": {
        "general": [
            "Plan catalogue reloaded ({n} plans)",
            "Invoice PDF renderer started",
            "Webhook endpoint for billing provider verified",
            "Migration 0042_add_trial_days applied",
            "Could not render invoice template: missing variable 'company_name'",
        ],
        "security": [
            "Billing portal session denied for {email}: token expired",
            "Staff member {user} viewed payment details of account {customer} (audit)",
        ],
        "performance": [
            "Usage aggregation query timed out after {sec}s",
            "Invoice queue depth {int}, workers saturated",
        ],
    },
    "accounts-service": {
        "general": [
            "Avatar upload storage bucket configured",
            "User profile schema cache refreshed",
            "LDAP sync job started",
            "Could not deliver verification SMS: provider returned 503",
            "Accounts API listening on :{port}",
        ],
        "business": [
            "New signup from {country} via referral code {coupon}",
            "Account {customer} upgraded to business profile",
            "{int} new customer registrations today ({pct}% from mobile)",
        ],
    },
    "inventory-wms": {
        "security": [
            "Forklift terminal {few} login failed for operator {user}",
            "Stock adjustment by {user} requires supervisor approval: permission denied",
        ],
        "general": [
            "Warehouse management service started",
            "Printer {few} at packing station offline",
            "Location master data imported ({int} bins)",
            "Handheld scanner firmware {version} rolled out",
        ],
    },
    "recommendation-engine": {
        "general": [
            "Feature pipeline DAG finished with status success",
            "Model registry: als-v{few} promoted to production",
            "Reco API started with {n} workers",
            "Skipping user {customer}: no interaction history",
        ],
        "security": ["Model artifact checksum mismatch, refusing to load als-v{few} (possible tampering)"],
    },
    "product-search": {
        "general": [
            "Search API started on :{port}",
            "Analyzer 'german_light' registered",
            "Spellcheck dictionary rebuilt ({int} terms)",
            "Indexer heartbeat OK",
        ],
        "security": ["Search request blocked: query contains script tag (possible XSS) from {ip}"],
    },
    "shipping-logistics": {
        "general": [
            "Label printer driver loaded",
            "Carrier {carrier} webhook subscription renewed",
            "Address validation service unreachable, falling back to basic validation",
            "Depot {city} calendar imported",
        ],
        "security": ["Carrier API credentials for {carrier} rejected (401), check secret rotation"],
    },
    "travel-booking": {
        "general": [
            "Booking engine started ({n} suppliers configured)",
            "Supplier {int} mapping file imported",
            "Hotel content sync completed",
            "Unknown room type code 'DBLX' in supplier feed",
        ],
        "performance": [
            "Booking confirmation took {ms}ms waiting for supplier",
            "Supplier {int} rate limit hit, queueing",
        ],
    },
    "ride-food-delivery": {
        "general": [
            "Dispatch service started in region {region}",
            "Map tiles cache refreshed",
            "Courier app push certificate uploaded",
            "Restaurant menu import failed: invalid JSON in line {n}",
        ],
        "performance": ["Location update ingestion lag {sec}s", "Dispatch queue length {n} in {city}"],
    },
    "banking-ledger": {
        "general": [
            "Ledger service started, schema version {few}",
            "Reconciliation file received from clearing house",
            "Batch job EOD-{int} scheduled",
            "Account number validation library updated to {version}",
        ],
    },
    "ad-server": {
        "general": ["Ad server started with {n} placements", "Creative cache warmed", "Geo database updated"],
        "performance": ["Impression logging pipeline delayed by {min} minutes"],
    },
    "notification-marketing": {
        "general": [
            "Notification worker started",
            "Push provider connection re-established",
            "Template engine upgraded",
        ],
    },
    "media-streaming": {
        "general": [
            "Packager started for channel {few}",
            "DRM key server reachable again",
            "Catalogue metadata import finished",
            "Subtitle file for title {int} failed validation: invalid timestamp",
        ],
    },
    "insurance-claims": {
        "performance": ["Claim document OCR took {sec}s per page", "Underwriting rules evaluation exceeded {ms}ms"],
        "general": ["Claims service started", "Policy number format rules reloaded", "Fax gateway disconnected"],
    },
    "marketplace": {
        "general": [
            "Seller onboarding service started",
            "Image moderation worker restarted",
            "Listing schema migration applied",
            "Listing {sku} failed validation: missing shipping dimensions",
        ],
        "performance": ["Listing search index lag {min} minutes"],
        "security": ["Seller {customer} login from new device requires 2FA confirmation"],
    },
    "event-ticketing": {
        "general": [
            "Ticket scanner app v{version} released",
            "Venue {int} gate configuration updated",
            "Barcode generator started",
        ],
        "security": ["Duplicate ticket {hex} scanned at gate {few}: entry refused (possible forgery)"],
        "performance": ["Seat selection API latency {ms}ms during on-sale"],
    },
    "edu-platform": {
        "general": ["Course catalogue service started", "Video player config updated", "Quiz engine cache flushed"],
        "performance": ["Lecture page load took {sec}s for course {int}"],
    },
    "crm-helpdesk": {
        "general": [
            "CRM sync worker started",
            "Field mapping for lead source updated",
            "Email-to-ticket parser error: no subject",
        ],
        "security": ["Helpdesk agent {user} signed in with SSO", "API token for integration {svc} revoked"],
    },
}
