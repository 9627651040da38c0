module github.com/b24kit/sonet

go 1.23

require github.com/google/go-querystring v1.2.0
