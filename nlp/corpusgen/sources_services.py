"""Business applications, part 2: recommendations, search, logistics, travel, fintech, media, ads."""

from __future__ import annotations

import logging

from nlp.corpusgen.engine import Source

__all__ = ["SOURCES"]

logger = logging.getLogger(__name__)

_JSON = '{{"ts":"{ts}","level":"info","logger":"{svc}","msg":"@msg@"}}'
_LOGFMT = 'time={ts} level=info component={svc} msg="@msg@"'

SOURCES = [
    Source(
        "recommendation-engine",
        "recommendations",
        {
            "business": [
                "Served {n} recommendations to user {customer} (model=als-v{few}, slot=homepage)",
                "Recommendation clicked: item {sku} at position {few} for user {customer}",
                '"Customers also bought" widget shown on product {sku} with {few} items',
                "Personalized email digest generated for {customer} with {n} products",
                "A/B test 'reco-carousel' assigned user {customer} to variant B",
                "Cold-start fallback: served top sellers to new visitor {hex}",
                "Recommended bundle accepted: {sku} + {sku}, basket value {amount} {cur}",
            ],
            "performance": [
                "Model inference took {ms}ms for batch of {n} users",
                "Feature store lookup latency p95={ms}ms",
                "Recommendation request timed out after {ms}ms, serving fallback",
                "Embedding index rebuild used {gb}GB RAM, {pct}% of limit",
            ],
            "general": [
                "Loaded model als-v{few} ({int} items, {n} factors)",
                "Nightly training job finished with status OK",
                "Candidate generator config reloaded",
            ],
        },
        (_JSON,),
    ),
    Source(
        "product-search",
        "site search",
        {
            "business": [
                'User {customer} searched for "{product}": {n} results',
                'Search query "{product}" returned no results (locale={country})',
                'Search result {sku} clicked at rank {few} for query "{product}"',
                'Synonym rule applied: "sneakers" -> "running shoes" for {n} searches today',
                'Top search term this hour: "{product}" ({int} queries)',
                "Visitor {hex} filtered search by brand and price range {amount}-{amount} {cur}",
                'Autocomplete suggestion "{product}" selected by user {customer}',
            ],
            "performance": [
                "Search took {ms}ms for query with {n} facets (slow query log)",
                "Search cluster query queue depth {n}, rejecting requests",
                "Indexing throughput dropped to {n} docs/s",
            ],
            "general": [
                "Reindex of catalog started (alias products -> products_v{few})",
                "Search index swapped to products_v{few}",
                "Query parser error: unbalanced quotes in input",
            ],
        },
        (_LOGFMT,),
    ),
    Source(
        "shipping-logistics",
        "logistics",
        {
            "business": [
                "Shipment {hex} created for order {order} with carrier {carrier}",
                "Parcel {hex} delivered to {city} (signed by recipient)",
                "Delivery attempt failed for parcel {hex}: recipient not at home",
                "Shipping label printed for order {order} ({carrier}, {few} kg)",
                "Order {order} dispatched from warehouse {city}",
                "Estimated delivery date for order {order} moved to {ts}",
                "Return shipment {hex} received at warehouse {city}",
                "Freight quote accepted: {amount} {cur} for {n} pallets to {country}",
            ],
            "performance": [
                "Carrier API {carrier} responded in {ms}ms (slow)",
                "Tracking sync backlog: {int} parcels waiting for update",
            ],
            "general": [
                "Carrier {carrier} integration enabled",
                "Tracking poller started with interval 15m",
                "Rate table for {carrier} updated",
            ],
        },
    ),
    Source(
        "travel-booking",
        "travel",
        {
            "business": [
                "Booking {hex} confirmed: {few} nights at hotel in {city}, total {amount} {cur}",
                "Flight reservation {hex} ticketed for passenger {customer}",
                "Booking {hex} cancelled free of charge within 24h window",
                "Seat upgrade purchased on booking {hex}: {amount} {cur}",
                "Room availability hold expired for search session {hex}",
                "Traveller {customer} added travel insurance to booking {hex}",
                "Rental car reserved in {city} for {few} days ({amount} {cur})",
                "Loyalty status of {customer} upgraded to Gold after {n} stays",
            ],
            "performance": [
                "GDS availability request took {ms}ms",
                "Fare cache hit ratio {lowpct}%, upstream load high",
            ],
            "security": [
                "Booking lookup blocked: last name does not match booking {hex} (attempt from {ip})",
                "Agent {user} accessed passenger passport data for booking {hex} (audit)",
            ],
            "general": ["Inventory feed from channel manager imported", "Currency rates refreshed from ECB"],
        },
        (_JSON,),
    ),
    Source(
        "ride-food-delivery",
        "on-demand",
        {
            "business": [
                "Ride {hex} requested by rider {customer} in {city}, estimated fare {amount} {cur}",
                "Driver {customer} accepted ride {hex}",
                "Ride {hex} completed: {few}.{few} km, fare {amount} {cur}, tip {amount}",
                "Surge pricing x1.{few} activated in zone {few} of {city}",
                "Food order {order} placed at restaurant {int}: {qty} dishes, {amount} {cur}",
                "Courier assigned to order {order}, ETA {n} min",
                "Order {order} delivered; customer rated {few}/5",
                "Restaurant {int} marked order {order} as ready for pickup",
                "Promo code {coupon} redeemed by new rider {customer}",
            ],
            "performance": [
                "Dispatch matching took {ms}ms for {n} open requests",
                "ETA service degraded: {pct}% of calls above 1s",
            ],
            "security": [
                "Driver {customer} identity check failed: selfie does not match profile photo",
                "Account takeover suspected for rider {customer}: device and location changed",
            ],
            "general": ["Zone map for {city} reloaded ({n} polygons)", "Courier app version {version} rolled out"],
        },
    ),
    Source(
        "banking-ledger",
        "fintech",
        {
            "business": [
                "Transfer {hex} of {amount} {cur} from account {int} to IBAN DE{big} booked",
                "Direct debit mandate {hex} created for customer {customer}",
                "Loan application {int} approved: {amount} {cur} over {n} months",
                "Card transaction {amount} {cur} at merchant '{product} store' posted to account {int}",
                "Overdraft limit raised to {amount} {cur} for account {int}",
                "Standing order executed: {amount} {cur} rent payment",
                "Interest of {amount} {cur} credited to savings account {int}",
                "Account {int} opened for new customer {customer} (KYC passed)",
                "FX trade executed: sold {amount} {cur}, bought {amount} {cur}",
            ],
            "security": [
                "Transaction signing (TAN) failed for customer {customer}: wrong code",
                "Device binding revoked for customer {customer} after SIM swap alert",
                "AML screening hit: transfer {hex} held for compliance review",
                "Privileged access to ledger database granted to {user} for 2h (ticket {int})",
            ],
            "performance": [
                "End-of-day batch ran {min} minutes late, {int} postings still pending",
                "Core banking call latency {ms}ms exceeds 1s threshold",
            ],
            "general": [
                "Ledger closed for business day {ts}",
                "SWIFT connector heartbeat OK",
                "Holiday calendar for {country} loaded",
            ],
        },
        (_LOGFMT,),
    ),
    Source(
        "ad-server",
        "advertising",
        {
            "business": [
                "Campaign {int} budget {pct}% spent ({amount} {cur} of daily cap)",
                "Ad impression served: campaign {int}, creative {hex}, placement sidebar",
                "Click recorded on creative {hex} (campaign {int}), CPC {amount} {cur}",
                "Conversion attributed to campaign {int}: order {order}, revenue {amount} {cur}",
                "Advertiser {customer} topped up balance by {amount} {cur}",
                "Campaign {int} paused: daily budget exhausted",
            ],
            "performance": [
                "Bid request handling exceeded 100ms deadline ({ms}ms), no bid",
                "Auction throughput {int} QPS, {pct}% timeouts",
            ],
            "security": ["Invalid traffic filter blocked {n} clicks from datacenter IP {ip}"],
            "general": ["Creative {hex} approved by moderation", "Targeting segments refreshed ({int} users)"],
        },
        (_JSON,),
    ),
    Source(
        "notification-marketing",
        "marketing",
        {
            "business": [
                "Campaign '{coupon} promo' sent to {int} subscribers",
                "Customer {customer} unsubscribed from newsletter",
                "Push notification 'Your order has shipped' delivered to {customer}",
                "Abandoned-cart reminder sent to {email} ({qty} items, {amount} {cur})",
                "Loyalty points: {customer} earned {n} points for order {order}",
                "Loyalty points redeemed: {int} points for {amount} {cur} voucher",
                "Birthday voucher {coupon} issued to {customer}",
                "Customer segment 'high value' recomputed: {int} members",
            ],
            "performance": [
                "Email send rate throttled by provider to {n}/s",
                "Notification queue '{queue}' has {int} messages waiting",
            ],
            "security": [
                "SPF/DKIM check failed for outgoing domain {domain}",
                "Unsubscribe link token invalid or tampered: {hex}",
            ],
            "general": [
                "Template 'order_shipped' version {few} published",
                "SMTP provider switched to secondary",
                "Bounce processing finished: {n} hard bounces",
            ],
        },
    ),
    Source(
        "media-streaming",
        "media",
        {
            "business": [
                "Playback started: title {int} for subscriber {customer} (profile kids)",
                "Subscriber {customer} rented movie {int} for {amount} {cur}",
                "Watchlist: {customer} added title {int}",
                "Episode {few} of series {int} completed by {customer}",
                "Gift subscription redeemed by {email}",
                "Content licence for title {int} expires in {days} days in {country}",
            ],
            "performance": [
                "Rebuffering ratio {lowpct}% for CDN edge {host}",
                "Transcoding job {hex} took {sec}s for 4K asset",
                "Origin bandwidth at {pct}% of capacity",
            ],
            "security": [
                "DRM licence request denied: device {hex} revoked",
                "Concurrent stream limit exceeded for account {customer} (credential sharing suspected)",
            ],
            "general": ["Manifest generated for title {int}", "Player config pushed to {n} devices"],
        },
    ),
    Source(
        "insurance-claims",
        "insurance",
        {
            "business": [
                "Claim {int} filed by policyholder {customer}: water damage, estimate {amount} {cur}",
                "Policy {hex} issued: car insurance, premium {amount} {cur}/year",
                "Claim {int} approved, payout {amount} {cur} scheduled",
                "Quote {hex} generated for home insurance in {city}",
                "Policy {hex} renewed automatically",
            ],
            "general": ["Actuarial tables v{few} loaded", "Document OCR service connected"],
            "security": ["Adjuster {user} denied access to claim {int}: not in assigned region"],
        },
    ),
    Source(
        "marketplace",
        "marketplace",
        {
            "business": [
                "Seller {customer} listed {n} new products in category electronics",
                "Listing {sku} sold to buyer {customer} for {amount} {cur}",
                "Seller payout of {amount} {cur} scheduled for {ts}",
                "Commission {amount} {cur} charged on order {order}",
                "Buyer {customer} opened dispute on order {order}: item not as described",
                "Auction {int} ended: winning bid {amount} {cur}",
            ],
            "security": ["Seller {customer} suspended: counterfeit goods report verified"],
            "performance": ["Listing import for seller {customer} took {sec}s ({int} rows)"],
            "general": ["Category tree updated ({int} nodes)"],
        },
    ),
]
