// Command etcd is etcd's own server entry point, built from the Go module proxy:
// Debian's etcd 3.4 is too old for Kubernetes 1.31+, and no binary can be downloaded here.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
