/**
 * Ticket texts an engineer on a migration support rota would recognise, per ticket issue.
 * Background (noise) texts deliberately avoid how-to phrasing and error words so they do not look
 * like incidents to Observe's keyword heuristics.
 */
export const TICKET_TEXTS: Readonly<Record<string, readonly string[]>> = {
  checkout_broken: [
    'Checkout spinner hangs then times out since we switched to the new storefront',
    'Customers see "payment could not be processed" on the new checkout, the old site was fine',
    'Orders stuck at the payment step after go-live, gateway logs show timeouts',
    'Since the cutover last night about half of our checkouts fail at the card step',
  ],
  webhook_auth_error: [
    'Webhooks to our ERP stopped after rotating the signing secret — getting 401',
    'Our middleware rejects your webhooks with invalid signature since this morning',
    'Rotated the webhook secret in the new admin and now every delivery is refused',
  ],
  webhook_not_received: [
    'Order webhooks are not arriving at our fulfilment endpoint since the migration',
    'We stopped receiving orders/create webhooks, warehouse is idle',
    'Our fulfilment endpoint moved behind a new firewall and order webhooks time out',
  ],
  platform_outage: [
    'Storefront returns 503 on product pages since about 12:00',
    'Checkout completely down for all our customers right now',
    'Everything is timing out, admin and storefront, looks like an outage on your side',
    'Our monitoring shows checkout errors across all regions in the last 15 minutes',
  ],
  api_200_inconsistent: [
    'Worked before migration, now intermittently broken',
    'Product updates return 200 but the storefront still shows the old prices',
    'Inventory PUT succeeds (HTTP 200) yet the stock level is unchanged an hour later',
    'Orders created through the API answer 200 but never show up in the order list',
  ],
  rate_limited: [
    'Bulk product import fails halfway with 429 Too Many Requests',
    'Our nightly catalog sync gets throttled after a few hundred calls since the migration',
    'Getting rate limited on the Admin API during the product migration script',
  ],
  storefront_broken: [
    'Prices show as "undefined" on every product page of the new storefront',
    'Add to cart button does nothing on the new storefront, the browser console is full of errors',
    'Product pages render without prices or variants since we deployed the new frontend',
    'Our headless site shows empty collections although the products are all in the admin',
  ],
  api_auth_error: [
    'Our ERP integration gets 401 Unauthorized from the Admin API since the cutover',
    'API calls fail with "invalid API key" after the migration, nothing changed on our side',
    'Our integration cannot log in to the Admin API anymore: the access token is rejected with 401',
    'Since this morning every call with our private app token is refused',
  ],
  how_to: [
    'How do I map our old discount codes to the new promotions API?',
    'Where do I configure the webhook signing secret in the new admin?',
    'How do I set up redirects from the old product URLs to the new storefront?',
    'Is there a way to bulk import customer accounts with their saved addresses?',
    'How do I configure tax-inclusive prices for EU stores in the new catalog?',
    'Where can I find the API version our headless storefront should pin to?',
  ],
  billing: [
    'Please send the January invoice to our new billing address',
    'Our plan should have changed to annual billing at the start of the month',
  ],
  feature_request: [
    'Feature request: bulk edit of product tags in the admin',
    'We would love a dark mode for the merchant dashboard',
  ],
  account_access: [
    'Please add our new operations manager as an admin user',
    'Our former developer still has admin access, please remove him',
  ],
};
