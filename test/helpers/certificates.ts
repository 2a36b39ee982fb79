/** Certificates (PEM) for the rules that read the certificate a register call carries. */
// Self-signed P-256 certificates made with `openssl ca -selfsign -startdate … -enddate …`.
/** CN=device-expiring-soon, valid 2026-01-01 to 2026-11-20 00:00 UTC. */
export const SOON = [
    '-----BEGIN CERTIFICATE-----',
    'MIIBJjCBzQICEAAwCgYIKoZIzj0EAwIwHzEdMBsGA1UEAwwUZGV2aWNlLWV4cGly',
    'aW5nLXNvb24wHhcNMjYwMTAxMDAwMDAwWhcNMjYxMTIwMDAwMDAwWjAfMR0wGwYD',
    'VQQDDBRkZXZpY2UtZXhwaXJpbmctc29vbjBZMBMGByqGSM49AgEGCCqGSM49AwEH',
    'A0IABLcukiEvkuBPI0+1ttdpL4lOpR+J56MjggmnwIfggZ2nxPH0VvpSGvXSOAZX',
    't8QNhIWWzo+saXYD5+7QkRs3+EwwCgYIKoZIzj0EAwIDSAAwRQIgWGL3x3a5Q4dq',
    'NBSgSLgBH412aAWrgI6ltn4+JzR3sEUCIQDc+Bf+Li+V5x4kXsTNpMLgyRjCiM9p',
    '+YYasPGgKOqBkg==',
    '-----END CERTIFICATE-----',
  ].join('\n');
/** CN=device-expired, valid 2025-01-01 to 2026-10-03 00:00 UTC. */
export const EXPIRED = [
    '-----BEGIN CERTIFICATE-----',
    'MIIBGjCBwQICEAEwCgYIKoZIzj0EAwIwGTEXMBUGA1UEAwwOZGV2aWNlLWV4cGly',
    'ZWQwHhcNMjUwMTAxMDAwMDAwWhcNMjYxMDAzMDAwMDAwWjAZMRcwFQYDVQQDDA5k',
    'ZXZpY2UtZXhwaXJlZDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKNmZAEbgs0y',
    'ZO0cXxyIZP7RNjBFBbBVYHBRUUARn8k5DUFiqQqZyfIK7N6gaemREVb1Qduv1Aqt',
    'Flkd6/CLIT4wCgYIKoZIzj0EAwIDSAAwRQIgNJ+PfvQndF7c6niWAU9FrpO/eKwF',
    'QoLr+1x81AzBrnECIQD47Cz54I0EghwZSUoYUNmGqzPrdP1r9hX8CrzFl1B2pg==',
    '-----END CERTIFICATE-----',
  ].join('\n');
/** CN=device-long-lived, valid 2026-01-01 to 2036-01-01. */
export const LONG_LIVED = [
    '-----BEGIN CERTIFICATE-----',
    'MIIBIDCBxwICEAIwCgYIKoZIzj0EAwIwHDEaMBgGA1UEAwwRZGV2aWNlLWxvbmct',
    'bGl2ZWQwHhcNMjYwMTAxMDAwMDAwWhcNMzYwMTAxMDAwMDAwWjAcMRowGAYDVQQD',
    'DBFkZXZpY2UtbG9uZy1saXZlZDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABDtZ',
    'IQHcFaYpMWVOckZnjMjlnTnOjADwsfEfB76fO9Yp33CT7h3EU9/pwZBDTCoyykjF',
    'TxrSHSqH6KZanvaEsbIwCgYIKoZIzj0EAwIDSAAwRQIhANObwGTjcvZpvvDko8hk',
    'bewvkziVpCtSaH61K4kBxRxIAiAntoYEE8BMDcqeAw+PDqlgUjyQWVSaEPkxLNpM',
    'm3b1XQ==',
    '-----END CERTIFICATE-----',
  ].join('\n');

