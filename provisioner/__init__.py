"""provisioner: customer-service staff access as code, planned and applied Terraform-style."""

__version__ = "0.1.0"
