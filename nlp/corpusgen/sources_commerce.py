"""Business applications, part 1: shops, checkout, payments, subscriptions, accounts, inventory."""

from __future__ import annotations

import logging

from nlp.corpusgen.engine import Source

__all__ = ["SOURCES"]

logger = logging.getLogger(__name__)

_LOG4J = "{ts} {level} [{thread}] {jclass} - @msg@"
_KV = 'ts={ts} level=info service={svc} msg="@msg@"'

SOURCES = [
    Source(
        "shop-checkout",
        "e-commerce",
        {
            "business": [
                "Order {order} placed by customer {customer}: {qty} items, total {amount} {cur}",
                "Checkout completed for cart {hex} (order {order}, {amount} {cur}, shipping to {country})",
                '{Customer|Shopper|Buyer} {customer} added {qty} x {sku} "{product}" to cart',
                "Cart {hex} abandoned after checkout step 'payment' with {qty} items worth {amount} {cur}",
                "Coupon {coupon} applied to order {order}: discount {amount} {cur}",
                "Coupon {coupon} rejected for order {order}: minimum basket value not reached",
                "Order {order} cancelled by customer, reason: {changed mind|found cheaper|delivery too slow}",
                "Order {order} status changed from PAID to SHIPPED",
                "event=order.created order_id={order} customer_id={customer} amount={amount} currency={cur}",
                "event=cart.item_removed sku={sku} qty={qty} cart_id={hex}",
                "OrderPlaced{{orderId={order}, lines={qty}, grandTotal={amount}, currency={cur}}}",
                "Guest checkout converted to registered account for order {order}",
                "Gift card {card4} redeemed for {amount} {cur} on order {order}",
                "Price changed for {sku} from {amount} to {amount} {cur} (promotion '{coupon}')",
                'Customer {customer} left a {few}-star review for "{product}"',
                "Wishlist item {sku} back in stock, notified {n} customers",
                "Return request {int} approved for order {order}: refund {amount} {cur} to original payment method",
                "Order {order} split into {few} shipments due to warehouse availability",
                "Tax calculated for order {order}: {amount} {cur} VAT ({country})",
                "Checkout started by {customer} with {qty} items, subtotal {amount} {cur}",
                "Basket merged after login: {qty} guest items added to customer cart",
                "Order confirmation email queued for order {order}",
            ],
            "performance": [
                "Checkout request took {ms} ms (threshold 800 ms) for cart {hex}",
                "Slow cart recalculation: {ms}ms for {n} line items",
                "Price service call timed out after {ms} ms, using cached prices",
                "checkout-api p99 latency {ms}ms over the last 5 minutes",
                "Order export batch processed {int} orders in {sec}s ({n} orders/s)",
                "Thread pool 'checkout-exec' saturated: {n} active, {n} queued",
            ],
            "security": [
                "Rejected checkout request: invalid CSRF token from {ip}",
                "Customer {customer} login failed: wrong password ({few} attempts)",
                "Blocked {n} card-testing attempts from {ip} in the last minute",
                "Session for customer {customer} invalidated after password reset",
                "Admin {user} granted role 'catalog_manager' to {email}",
            ],
            "general": [
                "Checkout service started on port {port} (profile=prod)",
                "Loaded {n} shipping zones from configuration",
                "Feature flag 'one_page_checkout' enabled for {pct}% of traffic",
                "Cart cleanup job started",
                "Catalog cache warmed with {int} entries",
                "Unhandled exception in CheckoutController: {exc}: cart must not be null",
                "Shutting down checkout workers",
            ],
        },
        (_LOG4J, _KV),
    ),
    Source(
        "payment-gateway",
        "payments",
        {
            "business": [
                "Payment {hex} authorized: {amount} {cur} via {card} ending {card4}",
                "Payment captured for order {order}: {amount} {cur}",
                "Payment declined for order {order}: insufficient funds (issuer code 51)",
                "Card {card} ****{card4} declined: do_not_honor",
                "Refund {hex} issued: {amount} {cur} for order {order}",
                "Chargeback opened for payment {hex}: reason 'product not received', amount {amount} {cur}",
                "Payout {hex} of {amount} {cur} sent to merchant account {int}",
                "3-D Secure challenge completed for payment {hex}, liability shifted to issuer",
                "event=payment_intent.succeeded amount={amount} currency={cur} method={paymethod}",
                "event=charge.refunded charge_id=ch_{hex} amount_refunded={amount}",
                "Fraud screening score {n} for payment {hex}: approved",
                "Fraud screening flagged order {order} for manual review (score {pct})",
                "Partial capture of {amount} {cur} on authorization {hex}",
                "Settlement batch {int} closed: {int} transactions, net {amount} {cur}",
                "Payment method {paymethod} added for customer {customer}",
                "Currency conversion {cur}->{cur} at rate {sec} for payment {hex}",
                "Invoice {int} marked as paid via bank transfer ({amount} {cur})",
                "Authorization for {amount} {cur} expired without capture (order {order})",
            ],
            "performance": [
                "Acquirer response time {ms}ms exceeds SLA of 2000ms",
                "Timeout calling issuer for authorization {hex} after {ms}ms, retrying",
                "Payment queue backlog: {int} pending captures",
                "PSP rate limit reached (HTTP 429), backing off {few}s",
                "Reconciliation job took {sec}s for {int} transactions",
            ],
            "security": [
                "Webhook signature verification failed for event evt_{hex} from {ip}",
                "API key sk_live_****{card4} revoked by {user}",
                "Request rejected: API key lacks permission 'refunds:write'",
                "PCI audit: cardholder data access by {user} logged",
                "TLS certificate for acquirer endpoint expires in {days} days",
            ],
            "general": [
                "Payment gateway connector for {card} initialised",
                "Loaded BIN table with {int} ranges",
                "Scheduled settlement job registered for 02:00 UTC",
                "Connection to acquirer host {fqdn} re-established",
                "Configuration reloaded: {n} merchants",
            ],
        },
        (_LOG4J, _KV),
    ),
    Source(
        "subscription-billing",
        "saas billing",
        {
            "business": [
                "Subscription {hex} created: plan {plan}, {amount} {cur}/month, customer {customer}",
                "Customer {customer} upgraded from {plan} to {plan} plan",
                "Customer {customer} downgraded to the {plan} plan effective next billing cycle",
                "Subscription {hex} cancelled at period end (reason: too expensive)",
                "Trial ending in {few} days for account {customer}",
                "Trial converted to paid subscription for account {customer} ({plan})",
                "Invoice in_{hex} finalized: {amount} {cur} due {ts}",
                "Dunning: payment retry {few}/4 failed for invoice in_{hex}",
                "Subscription renewed for {customer}: {plan} plan, {amount} {cur}",
                "Seat count changed from {n} to {n} for workspace {hex}, prorated charge {amount} {cur}",
                "Usage-based charge recorded: {int} API calls for customer {customer}",
                "Credit note {int} issued for {amount} {cur}",
                "event=subscription.paused customer={customer} plan={plan}",
                "MRR change +{amount} {cur} from expansion on account {customer}",
            ],
            "performance": [
                "Invoice generation run took {sec}s for {int} accounts",
                "Billing DB query for usage aggregation exceeded {ms}ms",
            ],
            "general": [
                "Billing scheduler started",
                "Tax rates synced for {n} jurisdictions",
                "Skipping invoice run: already running on {host}",
            ],
        },
        (_KV,),
    ),
    Source(
        "accounts-service",
        "user accounts",
        {
            "business": [
                "New customer account registered: {email} (source: {organic|referral|newsletter|ads})",
                "Sign-up completed for {email} on plan {plan}",
                "User {customer} accepted marketing consent",
                "Account {customer} closed at customer request, {n} orders retained for accounting",
                "Referral reward granted to {customer} for inviting {email}",
                "Customer profile updated: shipping address changed to {city}",
                "Newsletter subscription confirmed for {email}",
                "Welcome email sent to new customer {email}",
                "event=user.signed_up user_id={customer} country={country} channel={web|ios|android}",
            ],
            "security": [
                "Login succeeded for {email} from {ip} (2FA: totp)",
                "Login failed for {email}: invalid password",
                "Password reset requested for {email} from {ip}",
                "Account {customer} locked after {n} failed login attempts",
                "Two-factor authentication disabled for {email}",
                "Suspicious login for {email} from new country {country}, challenge sent",
                "Access token expired for user {customer}, refresh required",
                "JWT validation failed: signature mismatch (kid={hex})",
                "Role 'admin' granted to {email} by {user}",
                "Logout: session {hex} ended for {email}",
            ],
            "performance": [
                "bcrypt hashing took {ms}ms (cost 12), consider tuning",
                "User lookup cache miss rate {pct}% in the last minute",
            ],
            "general": [
                "Accounts service ready, {n} workers",
                "Migrated {int} user records to schema v{few}",
                "Email template 'welcome' reloaded",
                "Failed to send SMS: provider returned 500 Internal Server Error",
            ],
        },
        ('{{"level":"info","service":"accounts","message":"@msg@"}}',),
    ),
    Source(
        "inventory-wms",
        "warehouse",
        {
            "business": [
                "Stock level for {sku} dropped to {few} units at warehouse {city}",
                "{sku} is out of stock; {n} backorders pending",
                "Purchase order PO-{int} created for {int} units of {sku} from supplier {hex}",
                "Goods receipt: {int} units of {sku} received at dock {few}",
                "Reserved {qty} units of {sku} for order {order}",
                "Stock reservation released for cancelled order {order}",
                "Inventory adjustment: {sku} -{few} units (damaged)",
                "Pick list {int} completed: {n} lines for {few} orders",
                "Replenishment triggered for {sku}: reorder point {n} reached",
                "Cycle count discrepancy for {sku}: expected {n}, counted {n}",
            ],
            "performance": [
                "Stock sync with ERP took {sec}s for {int} SKUs",
                "Inventory event consumer lag {int} messages",
            ],
            "general": [
                "Warehouse {city} switched to winter opening hours",
                "Barcode scanner {hex} registered at station {few}",
                "Nightly stock snapshot written to {path}",
                "ERP connector restarted",
            ],
        },
    ),
]
