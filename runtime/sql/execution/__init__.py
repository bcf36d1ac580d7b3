"""Physical plans: operators that run on Arrow record batches, cut into stages at Exchanges."""
