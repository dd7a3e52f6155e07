"""Business applications, part 3: consumer and B2B domains the other parts lack.

Each application writes its domain events (business) beside its routine lines, slow spots and access
checks, and names its users by id the way application code does ("user u461083"): in infrastructure logs
"user" is nearly always an authentication word, in an application it is usually the customer.
"""

from __future__ import annotations

import logging

from nlp.corpusgen.engine import Source

__all__ = ["SOURCES"]

logger = logging.getLogger(__name__)

_STYLES = (
    "{ts} {level} [{thread}] {jclass} - @msg@",
    'level={level} ts={ts} msg="@msg@"',
    "[{level}] @msg@",
    '{{"level":"{level}","time":"{ts}","msg":"@msg@"}}',
)

SOURCES = [
    Source(
        "music-streaming",
        "media app",
        {
            "business": [
                "User {uid} started playback of '{title}' on {device|web|android|ios|smart speaker}",
                "User {uid} {followed|unfollowed} artist art_{short_sha}",
                "Playlist '{title}' created by user {uid} with {n} tracks",
                "User {uid} added {few} tracks to playlist pl_{short_sha}",
                "Weekly discovery mix delivered to {big} listeners",
                "Royalty statement for label lbl_{short_sha}: {big} streams, payout {amount} {cur}",
                "User {uid} upgraded from free to {plan} family plan",
                "Offline download of album alb_{short_sha} completed for user {uid} ({n} tracks)",
                "Stream counted for track trk_{short_sha}: user {uid} listened {n} s",
            ],
            "general": [
                "Audio transcoder worker {n} started (codec=opus, bitrate={n}k)",
                "Lyrics provider cache warmed for {big} tracks",
                "Playback session record for user {uid} written to {table}",
            ],
            "performance": [
                "Audio segment fetch from CDN took {ms} ms for track trk_{short_sha} (budget 300 ms)",
                "Playback start latency p99 {ms} ms over the last {min} minutes",
            ],
            "security": [
                "Device {hex} of user {uid} revoked after password change",
                "Stream ripping detected: user {uid} requested {big} segments in {min} minutes, account suspended",
            ],
        },
        _STYLES,
    ),
    Source(
        "video-on-demand",
        "media app",
        {
            "business": [
                "Rental of '{title}' purchased by user {uid} for {amount} {cur} (48 h access)",
                "User {uid} finished episode {few} of '{title}'",
                "Profile {few} of account {uid} added '{title}' to watchlist",
                "Trial converted to paid for account {uid}: {plan} plan, {amount} {cur}/month",
                "Content licence for '{title}' expires in {days} days in {country}; title will be removed",
                "User {uid} rated '{title}' {few} stars",
                "Household {uid} gifted a {few}-month subscription to {email}",
            ],
            "general": [
                "Manifest generated for asset vid_{short_sha} ({few} renditions)",
                "Thumbnail sprite job finished for {n} titles",
                "Recommendation rail cache refreshed for user {uid}",
            ],
            "performance": [
                "Rebuffering ratio {lowpct}% in {region}, above the 2% target",
                "Manifest request for user {uid} took {ms} ms",
            ],
            "security": [
                "Concurrent stream limit enforced: account {uid} shared from {n} IPs, new session refused",
                "DRM licence request denied for device {hex}: attestation failed",
            ],
        },
        _STYLES,
    ),
    Source(
        "fitness-app",
        "health app",
        {
            "business": [
                "User {uid} completed workout '{title}' ({min} min, {int} kcal)",
                "User {uid} joined challenge '{title}' with {n} friends",
                "Coach booking {ref} confirmed for user {uid} on {city} studio",
                "Class '{title}' is full: {n} of {n} spots taken, {few} on waitlist",
                "Annual membership sold to user {uid}: {amount} {cur}",
                "User {uid} cancelled membership, reason: {moved away|too expensive|injury}",
                "Streak reward granted to user {uid}: {n} days in a row",
            ],
            "general": [
                "Wearable sync worker started for vendor {garmin|fitbit|polar}",
                "Activity import for user {uid} skipped: no new samples",
                "Exercise catalogue reloaded ({int} entries)",
            ],
            "performance": [
                "Activity feed query for user {uid} took {ms} ms, scanned {big} rows",
                "Wearable sync backlog {big} uploads, workers at {pct}% CPU",
            ],
            "security": [
                "Health data export for user {uid} blocked: consent not given",
                "Trainer {user} denied access to client notes of user {uid}",
            ],
        },
        _STYLES,
    ),
    Source(
        "real-estate-listings",
        "marketplace app",
        {
            "business": [
                "Listing {ref} published: '{title}', rent {amount} {cur}/month",
                "Viewing request {ref} for listing {int} sent by user {uid}",
                "Offer of {amount} {cur} made on property {int} by buyer {uid}",
                "Listing {int} marked as let after {days} days on market",
                "Agent {user} renewed premium placement for {few} listings ({amount} {cur})",
                "Saved search alert sent to user {uid}: {few} new homes in {city}",
                "Tenancy application {ref} approved; deposit {amount} {cur} held",
            ],
            "general": [
                "Floor plan images for listing {int} resized ({few} files)",
                "Geocoder returned no result for address of listing {int}; map pin hidden",
                "Listing import from feed partner_{short_sha} finished",
            ],
            "performance": [
                "Map search for {city} took {ms} ms ({big} listings in bounding box)",
                "Image upload queue depth {int}, oldest item {min} minutes old",
            ],
            "security": [
                "Listing {int} removed: scam pattern detected (payment requested outside platform)",
                "Agent account {user} locked after {n} failed logins",
            ],
        },
        _STYLES,
    ),
    Source(
        "job-board",
        "marketplace app",
        {
            "business": [
                "Job post {ref} '{title}' published by company cmp_{short_sha} ({plan} package, {amount} {cur})",
                "Candidate {uid} applied to job {int} with CV cv_{short_sha}",
                "Application {ref} moved to interview stage by recruiter {user}",
                "Offer accepted: candidate {uid} hired for job {int}",
                "Job alert sent to {big} candidates for '{title}' in {city}",
                "Job post {int} expired after {days} days with {n} applications",
                "Employer cmp_{short_sha} bought {few} featured slots",
            ],
            "general": [
                "CV parser model loaded (languages: en, de, fr)",
                "Duplicate job posts merged: {few} postings for job {int}",
                "Salary normalisation job finished for {big} postings",
            ],
            "performance": [
                "Candidate search for recruiter {user} took {ms} ms (filters={few})",
                "CV parsing queue backlog {int} documents, {min} minutes behind",
            ],
            "security": [
                "Recruiter {user} tried to download CV of candidate {uid} without an application: denied",
                "Bulk scraping of job posts blocked from {ip}",
            ],
        },
        _STYLES,
    ),
    Source(
        "food-ordering",
        "delivery app",
        {
            "business": [
                "Order {order} from restaurant rst_{short_sha} placed by user {uid}: {qty} dishes, {amount} {cur}",
                "Courier assigned to order {order}, ETA {min} min",
                "Order {order} delivered; tip {amount} {cur} added by user {uid}",
                "Restaurant rst_{short_sha} rejected order {order}: kitchen closed",
                "Promo '{coupon}' redeemed by user {uid} on order {order}",
                "User {uid} reported missing item on order {order}; partial refund {amount} {cur}",
                "Restaurant rst_{short_sha} paused deliveries for {min} minutes: too many orders",
            ],
            "general": [
                "Menu sync from POS for restaurant rst_{short_sha} finished ({n} items)",
                "Delivery zone polygons reloaded for {city}",
                "Order event order.{created|updated} published to {topic}",
            ],
            "performance": [
                "Courier dispatch took {ms} ms for order {order} (target 500 ms)",
                "Order tracking websocket fan-out lagging {sec} s behind",
            ],
            "security": [
                "Courier account {uid} suspended: GPS spoofing detected",
                "Refund abuse rule fired: user {uid} requested {n} refunds this week, manual review",
            ],
        },
        _STYLES,
    ),
    Source(
        "hotel-pms",
        "hospitality app",
        {
            "business": [
                "Reservation {ref} booked by guest {uid}: {few} nights, {single|double|suite} room, {amount} {cur}",
                "Guest {uid} checked in to room {int}",
                "Guest {uid} checked out; folio {ref} settled {amount} {cur}",
                "Reservation {ref} cancelled within free window; no fee charged",
                "No-show for reservation {ref}: first night {amount} {cur} charged",
                "Room rate for {the weekend|New Year|14 June} in {city} raised to {amount} {cur} (occupancy {pct}%)",
                "Minibar charge {amount} {cur} posted to folio {ref}",
                "Channel manager pushed availability for {few} room types to {n} OTAs",
            ],
            "general": [
                "Night audit started for property {city}",
                "Housekeeping status of room {int} set to clean",
                "Key card encoder {few} reconnected",
            ],
            "performance": [
                "Availability search took {ms} ms for {few} properties",
                "OTA sync queue backlog {int} updates",
            ],
            "security": [
                "Front desk user {user} viewed card details of reservation {ref} (audit)",
                "Door lock opened with revoked key card for room {int}",
            ],
        },
        _STYLES,
    ),
    Source(
        "car-rental",
        "mobility app",
        {
            "business": [
                "Rental {ref} booked by customer {customer}: {few} days, {compact|SUV|van}, {amount} {cur}",
                "Vehicle picked up for rental {ref} at {city} branch, odometer {big} km",
                "Rental {ref} returned {min} minutes late; late fee {amount} {cur}",
                "Damage claim {ref} opened for rental {ref}: scratch on rear bumper",
                "Insurance upgrade added to rental {ref} ({amount} {cur}/day)",
                "One-way fee {amount} {cur} applied to rental {ref}",
            ],
            "general": [
                "Fleet telematics import finished: {int} vehicles",
                "Branch opening hours updated for {city}",
                "Vehicle {hex} moved to maintenance pool",
            ],
            "performance": [
                "Quote calculation took {ms} ms for {few} branches",
                "Telematics ingest lag {min} minutes",
            ],
            "security": [
                "Driver licence check failed for customer {customer}: document forged",
                "Branch user {user} attempted to override deposit without manager role",
            ],
        },
        _STYLES,
    ),
    Source(
        "online-courses",
        "education app",
        {
            "business": [
                "Learner {uid} enrolled in course '{title}' ({amount} {cur})",
                "Learner {uid} completed lesson {few} of '{title}'",
                "Certificate issued to learner {uid} for '{title}'",
                "Course '{title}' published by instructor {user} with {n} lectures",
                "Instructor payout {amount} {cur} for {big} enrolments this month",
                "Learner {uid} requested a refund for '{title}' within 30 days",
                "Quiz submitted by learner {uid}: score {pct}%",
            ],
            "general": [
                "Video lecture {hex} transcoded to HLS",
                "Course catalogue search index rebuilt ({int} courses)",
                "Progress record for learner {uid} migrated to schema v{few}",
            ],
            "performance": [
                "Lecture page load took {ms} ms for learner {uid}",
                "Grading queue backlog {int} submissions",
            ],
            "security": [
                "Exam proctoring flagged learner {uid}: second face detected",
                "Instructor {user} denied access to course {int} they do not own",
            ],
        },
        _STYLES,
    ),
    Source(
        "energy-utility",
        "utility billing",
        {
            "business": [
                "Meter reading {big} kWh recorded for account {customer}",
                "Bill {ref} issued to account {customer}: {amount} {cur} due in {days} days",
                "Direct debit of {amount} {cur} collected for bill {ref}",
                "Customer {customer} switched to green tariff '{plan}'",
                "Payment plan agreed for account {customer}: {few} instalments of {amount} {cur}",
                "Move-out registered for account {customer}; final bill scheduled",
            ],
            "general": [
                "Smart meter firmware catalogue updated",
                "Tariff table for {country} loaded ({n} tariffs)",
                "Meter {hex} reported a reading gap; estimation applied",
            ],
            "performance": [
                "Billing run for {big} accounts took {min} minutes",
                "Meter data ingest behind by {big} readings",
            ],
            "security": [
                "Call-centre agent {user} looked up account {customer} without a ticket (audit)",
                "Meter {hex} tamper alarm raised",
            ],
        },
        _STYLES,
    ),
    Source(
        "loyalty-rewards",
        "retail app",
        {
            "business": [
                "Member {uid} earned {int} points on purchase {order}",
                "Member {uid} redeemed {int} points for voucher {coupon}",
                "Member {uid} reached {silver|gold|platinum} tier",
                "Points of member {uid} expired: {int} points older than 24 months",
                "Partner transaction from airline credited {int} miles to member {uid}",
                "Birthday bonus of {int} points granted to {big} members",
            ],
            "general": [
                "Points ledger snapshot written ({big} members)",
                "Tier rules reloaded from config",
                "Member {uid} merged with duplicate profile {uid}",
            ],
            "performance": [
                "Points balance lookup took {ms} ms for member {uid}",
                "Ledger consumer lag {int} events",
            ],
            "security": [
                "Points transfer from member {uid} blocked: account takeover suspected",
                "Store clerk {user} tried to credit points without a receipt",
            ],
        },
        _STYLES,
    ),
    Source(
        "event-venue-ticketing",
        "ticketing app",
        {
            "business": [
                "User {uid} bought {few} tickets for '{title}' on {Saturday|Friday|14 June}, {amount} {cur}",
                "Seat hold for user {uid} released after {min} min without payment",
                "Show '{title}' sold out ({big} seats)",
                "Ticket {ref} transferred from user {uid} to {email}",
                "Ticket {ref} scanned at gate {few}",
                "Event '{title}' postponed; {big} ticket holders notified, refunds offered",
            ],
            "general": [
                "Seat map for venue {city} Arena imported ({big} seats)",
                "Gate scanner {few} firmware {version} reported online",
                "Waiting room configuration updated for on-sale of '{title}'",
            ],
            "performance": [
                "Queue for on-sale of '{title}' has {big} users, admission rate {int}/min",
                "Seat reservation took {ms} ms under load",
            ],
            "security": [
                "Bot purchase blocked: {n} checkouts from {ip} in {sec} s",
                "Duplicate ticket {ref} scanned at gate {few}: possible counterfeit",
            ],
        },
        _STYLES,
    ),
    Source(
        "b2b-wholesale",
        "ERP / procurement",
        {
            "business": [
                "Purchase order {ref} sent to supplier sup_{short_sha}: {int} units, {amount} {cur}",
                "Goods receipt for purchase order {ref}: {int} of {int} units accepted",
                "Quote {ref} for account {customer} approved by sales manager {user}",
                "Credit limit of account {customer} raised to {amount} {cur}",
                "Invoice {ref} overdue by {days} days; dunning level {few}",
                "Contract {ref} renewed for {few} years with account {customer}",
                "Price list {few}.{n} published to {n} dealers",
            ],
            "general": [
                "EDI connection to supplier sup_{short_sha} re-established",
                "Unit of measure table synced from ERP",
                "Nightly export of purchase orders written to {path}",
            ],
            "performance": [
                "EDI batch of {int} messages took {sec} s to validate",
                "Order entry screen response {ms} ms for dealer {customer}",
            ],
            "security": [
                "Dealer {customer} attempted to view price list of another region: denied",
                "Supplier portal login for {user} rejected: certificate revoked",
            ],
        },
        _STYLES,
    ),
    Source(
        "parking-app",
        "mobility app",
        {
            "business": [
                "Parking session started by user {uid} in zone {int}, plate ending {few}{few}",
                "Parking session of user {uid} ended after {min} min; charged {amount} {cur}",
                "Monthly pass purchased by user {uid} for garage {city} Central ({amount} {cur})",
                "Fine appeal {ref} submitted by user {uid}",
                "Session of user {uid} extended by {min} minutes",
            ],
            "general": [
                "Zone tariffs for {city} loaded ({n} zones)",
                "Barrier controller {few} reconnected",
                "Plate recognition camera {hex} back online",
            ],
            "performance": [
                "Zone lookup by GPS took {ms} ms",
                "Plate recognition queue {int} images behind",
            ],
            "security": [
                "Enforcement officer {user} queried plate outside assigned area (audit)",
                "Payment card of user {uid} used from {n} countries in {min} minutes: session blocked",
            ],
        },
        _STYLES,
    ),
    Source(
        "pharmacy-online",
        "health commerce",
        {
            "business": [
                "Prescription {ref} received for patient {customer}; {few} items",
                "Prescription order {order} dispatched to {city}",
                "Repeat prescription reminder sent to patient {customer}",
                "Over-the-counter order {order} paid: {amount} {cur}",
                "Item {sku} substituted with generic on order {order}; price difference refunded",
            ],
            "general": [
                "Drug interaction database updated to release {version}",
                "Label printer {few} paper low",
                "Formulary import finished ({int} products)",
            ],
            "performance": [
                "Prescription validation took {sec} s (pharmacist queue {n})",
                "Order picking throughput {int} orders/hour below plan",
            ],
            "security": [
                "Pharmacist {user} accessed patient record {customer} without an open prescription (audit)",
                "Controlled substance order {order} blocked: prescriber id invalid",
            ],
        },
        _STYLES,
    ),
    Source(
        "photo-printing",
        "e-commerce",
        {
            "business": [
                "User {uid} uploaded {n} photos to album '{title}'",
                "Photo book order {order} placed by user {uid}: {n} pages, {amount} {cur}",
                "Print order {order} sent to lab in {city}",
                "Reprint of order {order} approved after quality complaint",
                "Gift card {coupon} applied by user {uid}",
            ],
            "general": [
                "Colour profile for printer {few} recalibrated",
                "Thumbnail generation finished for album {hex}",
                "Upload storage tier for user {uid} moved to cold storage",
            ],
            "performance": [
                "Photo book render took {sec} s for order {order}",
                "Upload ingest queue backlog {int} files",
            ],
            "security": [
                "Shared album link {hex} revoked by user {uid}",
                "Upload rejected: file from user {uid} contained malware",
            ],
        },
        _STYLES,
    ),
]
