META
key;value
description;Ties: same votes and cost, so the lower project id wins
country;United Kingdom
unit;Fernbridge
instance;hand-ties
num_projects;3
num_votes;4
budget;50
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name
10;30;Ten
2;30;Two
3;20;Three
VOTES
voter_id;vote
1;10,2
2;10,2
3;3
4;3
