variable "TAG" {
  default = "latest"
}

target "api" {
  context = "api"
  args = {
    PORT = "8080"
  }
  tags = ["ghcr.io/example/api:${TAG}"]
}
