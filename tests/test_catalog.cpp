#include <gtest/gtest.h>

#include <activ/activ.hpp>

TEST(Catalog, IsNotEmpty) { EXPECT_GT(activ::catalog().size(), 100u); }
