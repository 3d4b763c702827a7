job "api" {
  datacenters = ["dc1"]
  group "api" {
    network {
      port "http" {
        to = 8080
      }
    }
    task "api" {
      driver = "docker"
      config {
        image = "ghcr.io/acme/api:latest"
        ports = ["http"]
      }
    }
  }
}
